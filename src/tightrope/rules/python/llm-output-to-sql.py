import sqlite3

import pandas as pd
from anthropic import Anthropic
from sqlalchemy import text

claude = Anthropic()
conn = sqlite3.connect("app.db")


def text_to_sql(question):
    msg = claude.messages.create(model="claude-sonnet-4-5", max_tokens=512, messages=[{"role": "user", "content": question}])
    sql = msg.content[0].text
    cur = conn.cursor()
    # ruleid: ai.llm-output-to-sql
    cur.execute(sql)
    return cur.fetchall()


def with_sqlalchemy(session, chain, question):
    query = chain.invoke({"question": question})
    # ruleid: ai.llm-output-to-sql
    return session.execute(text(query)).all()


def into_pandas(llm, question):
    generated = llm.predict(question)
    # ruleid: ai.llm-output-to-sql
    return pd.read_sql(f"SELECT * FROM ({generated}) LIMIT 100", conn)


def parameterized(question):
    msg = claude.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": question}])
    city = msg.content[0].text.strip()
    cur = conn.cursor()
    # ok: ai.llm-output-to-sql
    cur.execute("SELECT name FROM stores WHERE city = ?", (city,))
    return cur.fetchall()


def numeric(question):
    msg = claude.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=[{"role": "user", "content": question}])
    n = int(msg.content[0].text)
    # ok: ai.llm-output-to-sql
    conn.execute("SELECT * FROM items LIMIT " + str(n))
