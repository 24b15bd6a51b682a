"""The tags of a page's body, in one place: as a CMS export or a copied page body leaves them in a text
(« <p> », « <br /> », « <a href="…"> », « </strong> »). A text file made of them is read as the text they mark
up (`readers/webpage.py`); a few of them inside a text or a Markdown file are blanked in what the language
model reads (`nlp/modeltext.py`), as Markdown's own markup is."""

import re

HTML_BODY_TAG = re.compile(
    r"<(/?)(p|br|div|span|a|strong|em|b|i|u|s|sup|sub|h[1-6]|li|ul|ol|img|table|tr|td|th|blockquote|section|"
    r"article|figure|figcaption)(?:\s[^<>\n]{0,2000})?/?>", re.IGNORECASE)
# Elements whose content is no text of the page (code, styles, what shows without scripts, templates).
NON_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})
# Tags that end a line where they stand (a paragraph, a break, a heading, a list item…).
HTML_BLOCK_TAGS = frozenset({"p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table",
                             "tr", "blockquote", "section", "article"})
