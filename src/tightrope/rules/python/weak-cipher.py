import os

from Crypto.Cipher import AES, DES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

key = os.urandom(16)
# ruleid: py.weak-cipher
des = DES.new(key[:8], DES.MODE_CBC)
# ruleid: py.weak-cipher
ecb = AES.new(key, AES.MODE_ECB)
# ruleid: py.weak-cipher
cbc = AES.new(key, AES.MODE_CBC, b"0000000000000000")
# ruleid: py.weak-cipher
c = Cipher(algorithms.AES(key), modes.ECB())
# ruleid: py.weak-cipher
rc4 = Cipher(algorithms.ARC4(key), mode=None)

# ok: py.weak-cipher
gcm = AESGCM(AESGCM.generate_key(bit_length=128))
# ok: py.weak-cipher
good = Cipher(algorithms.AES(key), modes.CBC(os.urandom(16)))
# ok: py.weak-cipher
cbc2 = AES.new(key, AES.MODE_CBC, os.urandom(16))
