"""A web page saved as one file (MHTML, `.mhtml` / `.mht`: a browser's « Enregistrer sous… > page web, un seul
fichier »): a MIME message whose first HTML part is the page, its images and styles in the other parts. The
standard library's e-mail parser undoes the transfer encoding (quoted-printable, base64); the page's bytes are
then decoded and read as any web page's (`pipeline.ingest`)."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from pipeline.errors import UnreadableFile


def page_html(raw: bytes) -> tuple[bytes, str | None]:
    """The bytes of the page an MHTML file holds, its transfer encoding undone, and the charset its part
    declares (None: the page's own <meta charset> or the bytes say it). Raises UnreadableFile when it holds
    no page."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    content_type = message.get_content_type()
    if not isinstance(message, EmailMessage) or not (content_type.startswith("multipart/")
                                                     or content_type == "text/html"):
        raise UnreadableFile("pas une page MHTML (aucun en-tête MIME multipart)")
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes) or not payload.strip():
                break
            return payload, part.get_content_charset()
    raise UnreadableFile("page MHTML sans partie HTML")
