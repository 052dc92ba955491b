import torch
from safetensors.torch import load_file


def load_checkpoint(path):
    # ruleid: ai.torch-load-unsafe
    state = torch.load(path, map_location="cpu")
    return state


def load_full(path):
    # ruleid: ai.torch-load-unsafe
    return torch.load(path, map_location="cpu", weights_only=False)


def load_downloaded(cached):
    from torch import load
    # ruleid: ai.torch-load-unsafe
    return load(cached)


def load_weights(path):
    # ok: ai.torch-load-unsafe
    return torch.load(path, map_location="cpu", weights_only=True)


def load_safetensors(path):
    # ok: ai.torch-load-unsafe
    return load_file(path)


def save(model, path):
    # ok: ai.torch-load-unsafe
    torch.save(model.state_dict(), path)
