import ast
import json

from openai import OpenAI

client = OpenAI()


def calculator(question):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    expr = resp.choices[0].message.content
    # ruleid: ai.llm-output-to-eval
    return eval(expr)


def run_generated(agent, task):
    code = agent.invoke({"input": task})["output"]
    # ruleid: ai.llm-output-to-eval
    exec(code, {"__builtins__": {}})


def responses_api(task):
    r = client.responses.create(model="gpt-4.1", input=task)
    src = r.output_text
    # ruleid: ai.llm-output-to-eval
    fn = compile(src, "<llm>", "exec")
    return fn


def parse_as_data(question):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    text = resp.choices[0].message.content
    # ok: ai.llm-output-to-eval
    return json.loads(text)


def literal(question):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    # ok: ai.llm-output-to-eval
    return ast.literal_eval(resp.choices[0].message.content)


def constant_eval():
    # ok: ai.llm-output-to-eval
    return eval("1 + 2")
