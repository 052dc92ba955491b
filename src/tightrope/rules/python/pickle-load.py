import json
import pickle

import dill
import joblib


def load_model(path):
    with open(path, "rb") as fh:
        # ruleid: ai.pickle-load
        return pickle.load(fh)


def from_cache(redis_client, key):
    # ruleid: ai.pickle-load
    return pickle.loads(redis_client.get(key))


def load_sklearn(path):
    # ruleid: ai.pickle-load
    return joblib.load(path)


def load_fn(blob):
    # ruleid: ai.pickle-load
    return dill.loads(blob)


def save_model(model, path):
    with open(path, "wb") as fh:
        # ok: ai.pickle-load
        pickle.dump(model, fh)


def load_config(path):
    with open(path) as fh:
        # ok: ai.pickle-load
        return json.load(fh)
