"""Office Open XML packages of the kinds python-docx and python-pptx refuse by their main part's content type:
a Word document with macros (.docm) or a template (.dotx, .dotm), a slide show (.ppsx, .ppsm) or a
PowerPoint template (.potx, .potm). Their text is laid out as a .docx's or a .pptx's; only the content type
differs, so the package is handed to the library with the standard one."""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = "[Content_Types].xml"
_STANDARD = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_VARIANTS = {
    "docx": ("application/vnd.ms-word.document.macroEnabled.main+xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
             "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
             "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
             "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
             "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
             "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"),
}


def with_standard_content_type(raw: bytes, kind: str) -> bytes:
    """`raw` as a package of `kind` (`docx` or `pptx`) the libraries open: a macro-enabled document, a
    template or a slide show gets the standard main content type; any other package is returned as it is."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            types = package.read(_CONTENT_TYPES).decode("utf-8")
            variant = next((name for name in _VARIANTS[kind] if f'"{name}"' in types), None)
            if variant is None:
                return raw
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
                for member in package.infolist():
                    data = package.read(member.filename)
                    if member.filename == _CONTENT_TYPES:
                        data = types.replace(f'"{variant}"', f'"{_STANDARD[kind]}"').encode("utf-8")
                    copy.writestr(member, data)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return raw  # the library says what is wrong with the package
    return out.getvalue()
