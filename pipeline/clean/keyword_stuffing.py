"""Rule "keyword_stuffing": lines made mostly of spam keywords ("cheap viagra online pharmacy casino…").

A French sentence that mentions "casino" once keeps far too many ordinary words to reach the thresholds."""

from __future__ import annotations

import re

from pipeline.clean.lines import Span, split_lines, whole_line

# Words that on their own mark commercial spam (English and French forms).
SPAM_WORDS = frozenset(
    """viagra cialis levitra kamagra tadalafil sildenafil tramadol xanax valium propecia phentermine
    pharmacy pharmacie pharma pills pill casino casinos poker slots slot roulette blackjack jackpot bet
    betting bookmaker replica replicas rolex payday loan loans essay essays
    homework porn porno xxx escort escorts dating bitcoin forex dumps braindumps vce exam exams""".split()
)
# Words that pad spam lines but are ordinary on their own: they count only next to spam words.
FILLER_WORDS = frozenset(
    """cheap cheapest buy order online best free discount discounts generic sale sales deal deals bonus
    no prescription without fast delivery shipping overnight uk usa us canada writing writer service
    services help custom quick cash instant approval watches watch bags handbags louis vuitton gucci
    acheter achat pas cher cheres chers en ligne sans ordonnance livraison rapide gratuit gratuite meilleur
    prix promo rédaction prêt prêts crédit crédits dissertation questions answers pdf practice test tests
    certification""".split()
)

# Calibrated on hand-made spam lines and crdh (no crdh line passes): a stuffed line has at least two spam
# words and at least half of its words are spam or filler; a very short line ("viagra pas cher") needs
# only one spam word if every word is spam or filler.
MIN_SPAM_WORDS = 2
MIN_SPAM_SHARE = 0.5
SHORT_LINE_WORDS = 6

_WORD = re.compile(r"[^\W\d_]+")


def is_stuffed(text: str) -> bool:
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < 2:
        return False
    spam = sum(word in SPAM_WORDS for word in words)
    filler = sum(word in FILLER_WORDS for word in words)
    if spam >= MIN_SPAM_WORDS and (spam + filler) / len(words) >= MIN_SPAM_SHARE:
        return True
    return spam >= 1 and len(words) <= SHORT_LINE_WORDS and spam + filler == len(words)


def find_keyword_stuffing(text: str) -> list[Span]:
    return [whole_line(line) for line in split_lines(text) if not line.is_blank and is_stuffed(line.text)]
