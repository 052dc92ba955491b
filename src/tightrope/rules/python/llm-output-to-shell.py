import os
import shlex
import subprocess

import litellm
from anthropic import Anthropic
from openai import OpenAI

client = OpenAI()
claude = Anthropic()


def run_suggested_fix(task):
    resp = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": task}]
    )
    cmd = resp.choices[0].message.content.strip()
    # ruleid: ai.llm-output-to-shell
    subprocess.run(cmd, shell=True, check=True)


def run_anthropic(task):
    msg = claude.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=[{"role": "user", "content": task}])
    text = msg.content[0].text
    # ruleid: ai.llm-output-to-shell
    os.system(text)


def run_litellm(task):
    out = litellm.completion(model="gpt-4o-mini", messages=[{"role": "user", "content": task}])
    line = out.choices[0].message.content
    # ruleid: ai.llm-output-to-shell
    return subprocess.check_output(shlex.split(line))


def run_chain(llm, question):
    answer = llm.invoke(question).content
    # ruleid: ai.llm-output-to-shell
    os.popen("grep -r " + answer + " .").read()


def safe_quoted(task):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": task}])
    pattern = resp.choices[0].message.content
    # ok: ai.llm-output-to-shell
    subprocess.run("grep -r " + shlex.quote(pattern) + " .", shell=True)


ALLOWED = {"status": ["git", "status"], "log": ["git", "log", "-5"]}


def safe_allowlist(task):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": task}])
    choice = resp.choices[0].message.content.strip()
    print("model said", choice)
    # ok: ai.llm-output-to-shell
    subprocess.run(ALLOWED["status"], check=True)


def not_llm(user_cmd):
    # ok: ai.llm-output-to-shell
    subprocess.run(["ls", "-la"], check=True)


def run_raw_http(session, prompt):
    data = session.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": prompt}]}).json()
    command = data["choices"][0]["message"]["content"]
    # ruleid: ai.llm-output-to-shell
    subprocess.run(command, shell=True)


def run_streamed(task):
    stream = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": task}], stream=True)
    text = ""
    for chunk in stream:
        text += chunk.choices[0].delta.content or ""
    # ruleid: ai.llm-output-to-shell
    os.system(text)
