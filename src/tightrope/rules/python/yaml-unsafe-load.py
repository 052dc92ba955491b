import yaml
from ruamel.yaml import YAML


def read_config(path):
    with open(path) as fh:
        # ruleid: py.yaml-unsafe-load
        return yaml.load(fh, Loader=yaml.Loader)


def read_blob(blob):
    # ruleid: py.yaml-unsafe-load
    return yaml.unsafe_load(blob)


def read_plain(text):
    # ruleid: py.yaml-unsafe-load
    return yaml.load(text)


def read_ruamel(text):
    # ruleid: py.yaml-unsafe-load
    return YAML(typ="unsafe").load(text)


def read_config_safe(path):
    with open(path) as fh:
        # ok: py.yaml-unsafe-load
        return yaml.safe_load(fh)


def read_explicit_safe(text):
    # ok: py.yaml-unsafe-load
    return yaml.load(text, Loader=yaml.SafeLoader)


def read_ruamel_safe(text):
    yaml = YAML(typ="safe")
    # ok: py.yaml-unsafe-load
    return yaml.load(text)
