import pandas as pd
from pandas import read_pickle


def load_frame(path):
    # ruleid: ai.pandas-read-pickle
    return pd.read_pickle(path)


def load_remote(url):
    # ruleid: ai.pandas-read-pickle
    return read_pickle(url, compression="gzip")


def load_parquet(path):
    # ok: ai.pandas-read-pickle
    return pd.read_parquet(path)


def save(df, path):
    # ok: ai.pandas-read-pickle
    df.to_pickle(path)
