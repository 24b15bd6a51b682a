"""The spaces French text carries besides U+0020, in one place: no-break (before « : ; ? ! » and inside
numbers), narrow no-break, thin, figure, the typographic spaces from en to hair, the medium mathematical
space, the ideographic space. The cleaning rules read them as blank (`clean/lines.py`), the language model as
U+0020 (`nlp/modeltext.py`)."""

UNICODE_SPACES = "\xa0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
