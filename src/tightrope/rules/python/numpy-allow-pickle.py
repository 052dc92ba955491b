import numpy as np


def load_embeddings(path):
    # ruleid: ai.numpy-allow-pickle
    data = np.load(path, allow_pickle=True)
    return data["vectors"]


def load_items(path):
    # ruleid: ai.numpy-allow-pickle
    return np.load(path, mmap_mode="r", allow_pickle=True).item()


def load_plain(path):
    # ok: ai.numpy-allow-pickle
    return np.load(path)


def load_explicit(path):
    # ok: ai.numpy-allow-pickle
    return np.load(path, allow_pickle=False)
