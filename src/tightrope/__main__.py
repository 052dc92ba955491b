from tightrope.cli import entry

entry()
