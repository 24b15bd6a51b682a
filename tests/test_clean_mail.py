"""Rule "mail_furniture": a mail's quoted messages, header blocks, signatures and notices, in mails only."""

from __future__ import annotations

from pathlib import Path

from pipeline.clean import clean_text

MESSAGE = """# Compte rendu de l'atelier mobilité

Bonjour à toutes et à tous,

Les élus des trois communautés de communes ont présenté leur projet de plateforme de covoiturage, porté \
en commun avec la Région et deux associations d'insertion.

Les agents de développement ont insisté sur l'écoute des habitants.
"""
SIGNED = """Bien cordialement,

Marie Dupont
Chargée de mission mobilité
Pays des Cévennes
12 rue de la République – 30100 Alès
Tél. : 04 66 00 00 00
www.pays-cevennes.fr
"""
NOTICES = """Pensez à l'environnement avant d'imprimer ce courriel.

Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de ses \
destinataires. Si vous avez reçu ce message par erreur, merci d'en avertir immédiatement l'expéditeur.
"""
QUOTED = """Le mar. 10 mars 2020 à 09:12, Paul Martin <paul.martin@example.fr> a écrit :
> Bonjour Marie,
>
> Peux-tu envoyer le compte rendu à tout le réseau ?
"""


def _removed(text: str, doc_id: str = "cr.eml") -> tuple[str, list[str]]:
    cleaned = clean_text(text, doc_id=doc_id)
    return cleaned.text, [r.text for r in cleaned.removals if r.reason == "mail_furniture"]


def test_a_reply_loses_its_quote_signature_and_notices_and_keeps_its_message() -> None:
    text, removed = _removed(f"{MESSAGE}\n{SIGNED}\n{NOTICES}\n{QUOTED}")
    assert text.strip() == MESSAGE.strip()
    assert "".join(removed).count("Marie Dupont") == 1 and "a écrit" in "".join(removed)
    delimited, _ = _removed(f"{MESSAGE}\n-- \nMarie Dupont\nPays des Cévennes\n\nEnvoyé de mon iPhone\n")
    assert delimited.strip() == MESSAGE.strip()


def test_a_forwarded_message_keeps_its_text_and_loses_its_header_block() -> None:
    forwarded = ("Je vous transfère les notes de Jean.\n\n-----Message d'origine-----\nDe : Jean Roux\n"
                 "Envoyé : lundi 9 mars 2020 18:00\nÀ : Paul Martin\nObjet : atelier\n\n"
                 "Voici les notes de l'atelier sur la mobilité rurale.\n")
    text, removed = _removed(forwarded)
    assert text == ("Je vous transfère les notes de Jean.\n\n"
                    "Voici les notes de l'atelier sur la mobilité rurale.\n")
    assert removed[0].startswith("-----Message d'origine-----\nDe : Jean Roux")
    one_line = "Merci.\n\nDe : Jean Roux Envoyé : lundi 9 mars À : Paul Objet : atelier\n\nLes notes.\n"
    assert _removed(one_line)[0] == "Merci.\n\nLes notes.\n"


def test_what_only_looks_like_mail_furniture_stays() -> None:
    invitation = ("Date : jeudi 12 mars\nÀ : Florac, salle des fêtes\nObjet : atelier mobilité\n\n"
                  "Bien cordialement,\n\nLa prochaine rencontre aura lieu au printemps à Florac, sur la "
                  "mobilité des habitants et le covoiturage entre les communes du Pays.\n\n"
                  "Merci d'imprimer le programme en pièce jointe et de le distribuer.\n\n"
                  "> Une citation seule.\n")
    assert _removed(invitation)[1] == []  # no sender: no header block; no signature; one quoted line
    separated = (f"{MESSAGE}\n--\n\nLes maires ont ensuite comparé leurs services techniques, leurs budgets "
                 "et leurs calendriers, et décidé de se retrouver à l'automne pour un second atelier.\n")
    assert _removed(separated)[1] == []  # « -- » drawn between two paragraphs: no signature under it
    # in a report, a quote marked « > », a signature and a notice are the report's own
    report = f"{MESSAGE}\n{SIGNED}\n{NOTICES}\n{QUOTED}"
    for doc_id in ("notes.md", "cr.docx", "page.txt"):
        assert not _removed(report, doc_id)[1]


def test_an_html_mail_is_read_whole_and_its_quote_and_header_block_are_removed(tmp_path: Path) -> None:
    from email.message import EmailMessage

    from pipeline.ingest import read_document

    mail = EmailMessage()
    mail["From"], mail["Subject"] = "Marie <m@example.fr>", "RE: atelier"
    mail.set_content("texte")
    mail.add_alternative(
        "<html><body><div><p>Bonjour Paul,</p><p>Les élus ont présenté leur projet de covoiturage, porté en "
        "commun avec la Région.</p><p>Bien cordialement,</p><p>Marie Dupont<br>Pays des Cévennes<br>"
        "Tél. : 04 66 00 00 00</p></div><div class='gmail_quote'><div class='gmail_attr'>Le mar. 10 mars "
        "2020 à 09:12, Paul Martin &lt;p@example.fr&gt; a écrit :<br></div><blockquote><p>Bonjour Marie,"
        "</p><p>Peux-tu envoyer le compte rendu ?</p></blockquote></div><hr><div id='divRplyFwdMsg'>"
        "<b>De :</b> Jean Roux<br><b>Envoyé :</b> lundi 9 mars 2020<br><b>À :</b> Paul Martin<br>"
        "<b>Objet :</b> atelier</div><div><p>Voici les notes de l'atelier sur la mobilité rurale.</p></div>"
        "</body></html>", subtype="html")
    (tmp_path / "re.eml").write_bytes(mail.as_bytes())
    document = read_document(tmp_path / "re.eml", tmp_path)
    assert "> Peux-tu envoyer le compte rendu ?" in document.text  # read whole, the quote marked
    assert "De : Jean Roux\nEnvoyé : lundi 9 mars 2020" in document.text
    text = clean_text(document.text, doc_id=document.doc_id).text
    assert "Les élus ont présenté leur projet de covoiturage" in text
    assert "Voici les notes de l'atelier sur la mobilité rurale." in text
    for gone in ("Peux-tu", "a écrit", "Jean Roux", "04 66", "Bien cordialement"):
        assert gone not in text


def test_a_mail_keeps_its_short_lines_and_loses_a_mailing_s_own() -> None:
    mail = ("# Tr : lettre du réseau\n\nFYI…\n\nMeredith\n\nVoir la version en ligne\n\n"
            "# La lettre du réseau rural\n\nLes élus des trois communautés de communes ont présenté leur "
            "projet de covoiturage.\n\nVous recevez ce message car vous êtes inscrit à la lettre du réseau. "
            "Se désinscrire\n")
    cleaned = clean_text(mail, doc_id="lettre.eml")
    assert [r.reason for r in cleaned.removals if r.reason != "whitespace"] == ["mail_furniture"] * 2
    assert cleaned.text.startswith("# Tr : lettre du réseau\n\nFYI…\n\nMeredith\n\n# La lettre")
    # the web pages' rules (chrome, page furniture…) leave a mail alone, as they leave the files people write
    assert clean_text("FYI…\n\nMeredith\n\n12\n\nLes élus ont coopéré.\n", doc_id="m.eml").removals == ()


def test_quotes_nested_deep_are_marked_five_deep_at_most() -> None:
    from pipeline.readers.mailhtml import mail_html_text

    text = mail_html_text("<blockquote><p>cité</p>" * 2000 + "</blockquote>" * 2000 + "<p>Fin.</p>")
    assert text.splitlines()[0] == "> cité" and "> > > > > cité" in text and "> " * 6 not in text
    assert text.endswith("\n\nFin.\n") and len(text) < 40 * 2000


def test_a_newsletter_s_footer_recurring_from_issue_to_issue_is_removed_and_its_title_kept() -> None:
    from pipeline.clean import count_repeated

    sentences = ["Les élus des trois communautés de communes ont présenté leur projet de covoiturage.",
                 "Le Parc et la Région ont signé le contrat de territoire pour la période qui commence.",
                 "Les agents de développement ont animé un atelier sur la mobilité des habitants.",
                 "La commune a ouvert un tiers-lieu avec deux associations et la médiathèque.",
                 "Le conseil de développement a rendu son avis sur le projet de territoire.",
                 "Les maires ont comparé leurs services techniques et envisagé de les mutualiser.",
                 "Une plateforme alimentaire relie désormais les producteurs et les cantines.",
                 "Le Pays a recruté une animatrice pour accompagner les projets des habitants.",
                 "Les intercommunalités voisines préparent ensemble leur plan climat."]
    news = ["\n\n".join(sentences[3 * number:3 * number + 3]) for number in range(3)]  # each issue its own
    issues = {f"lettres.mbox/00{number} Lettre {number}.eml":
              f"# Lettre {number}\n\nLa lettre du Réseau rural\nL'actualité des territoires ruraux\n\n"
              f"{text}\n\nRéseau rural, 12 rue de la Paix, 75002 Paris\nContact : reseau@example.fr\n"
              for number, text in enumerate(news, start=1)}
    notes = {"notes.md": next(iter(issues.values()))}  # the same lines in a file people write: not counted
    repeated = count_repeated([*issues.items(), *notes.items()])
    for (doc_id, text), kept in zip(issues.items(), news, strict=True):
        cleaned = clean_text(text, doc_id=doc_id, repeated=repeated)
        # the footer goes; the title stays, and so does the header, whose last line stands right above prose
        # (a heading of the text, for all the rule can tell) and leaves the other one alone
        header = "La lettre du Réseau rural\nL'actualité des territoires ruraux\n\n"
        assert cleaned.text == f"# Lettre {doc_id[15]}\n\n{header}{kept}\n", cleaned.removals
        assert {r.reason for r in cleaned.removals} <= {"repeated", "whitespace"}
    assert clean_text(notes["notes.md"], doc_id="notes.md", repeated=repeated).text == notes["notes.md"]
