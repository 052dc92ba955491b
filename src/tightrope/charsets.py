"""ASCII character sets, spelled out: the `string` module's constants without importing
`string`, whose `Template` class compiles a regex at import (~1.5 ms on the hook's path)."""

DIGITS = "0123456789"
ASCII_LOWERCASE = "abcdefghijklmnopqrstuvwxyz"
ASCII_UPPERCASE = ASCII_LOWERCASE.upper()
ASCII_LETTERS = ASCII_LOWERCASE + ASCII_UPPERCASE
