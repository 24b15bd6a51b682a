"""The real development set: scraped French territorial-development pages, labelled line by line."""
