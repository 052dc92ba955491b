import html

import nh3
from flask import Flask, render_template, render_template_string
from markupsafe import Markup
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()


@app.route("/summary")
def summary():
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "summarize"}])
    answer = resp.choices[0].message.content
    # ruleid: ai.llm-output-to-html
    return render_template_string("<div>" + answer + "</div>")


def chat_bubble(chain, q):
    reply = chain.invoke(q).content
    # ruleid: ai.llm-output-to-html
    return Markup(f"<p class='bot'>{reply}</p>")


@app.route("/safe")
def safe_summary():
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "summarize"}])
    answer = resp.choices[0].message.content
    # ok: ai.llm-output-to-html
    return render_template("summary.html", answer=answer)


def sanitized_bubble(chain, q):
    reply = chain.invoke(q).content
    # ok: ai.llm-output-to-html
    return Markup(nh3.clean(reply))


def escaped_bubble(chain, q):
    reply = chain.invoke(q).content
    # ok: ai.llm-output-to-html
    return Markup("<p>%s</p>" % html.escape(reply))
