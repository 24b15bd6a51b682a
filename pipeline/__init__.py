"""Seminar-report analysis: clean scraped French reports, split them into passages, tag cooperation
categories, extract competence terms, and draw the tables, figures and report that inspect them."""

__version__ = "0.1.0"
