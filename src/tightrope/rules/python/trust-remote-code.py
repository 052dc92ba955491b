from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer
from vllm import LLM

# ruleid: ai.trust-remote-code
model = AutoModelForCausalLM.from_pretrained("someorg/fancy-7b", trust_remote_code=True, torch_dtype="auto")

# ruleid: ai.trust-remote-code
tok = AutoTokenizer.from_pretrained("someorg/fancy-7b", revision="main", trust_remote_code=True)

# ruleid: ai.trust-remote-code
ds = load_dataset("someorg/weird-data", trust_remote_code=True)

# ruleid: ai.trust-remote-code
engine = LLM(model="someorg/fancy-7b", trust_remote_code=True)

# ruleid: ai.trust-remote-code
kwargs = {"torch_dtype": "auto", "trust_remote_code": True}

# ok: ai.trust-remote-code
pinned = AutoModelForCausalLM.from_pretrained("someorg/fancy-7b", trust_remote_code=True, revision="3f1c2b9a7d5e4c6b8a9f0e1d2c3b4a5968778695")

# ok: ai.trust-remote-code
plain = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B", revision="0e9e39f249a16976918f6564b8830bc894c89659")

# ok: ai.trust-remote-code
off = AutoTokenizer.from_pretrained("./checkpoints/final", trust_remote_code=False)
