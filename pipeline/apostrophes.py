"""The apostrophes French text is typed with besides U+0027, in one place: the typographic one (’, what most
sites and word processors write), the left quotation mark and the modifier letter some keyboards give (‘, ʼ).
Where words are compared as written (the word counts, the concordance, the benches' gold terms) they are
read as U+0027, one character for one."""

STRAIGHTENED = str.maketrans(dict.fromkeys("’‘ʼ", "'"))
