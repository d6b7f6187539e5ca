"""Frontline's command line: one click group over the libraries (`maps -> geo -> gazetteer`).

Nothing below this package imports it; `frontline.cli:main` is the console script.
"""
