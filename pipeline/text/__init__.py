"""Text stage: a cleaned document cut into passages (`segment`), and the per-document cache of reading,
cleaning and segmenting (`prepcache`)."""
