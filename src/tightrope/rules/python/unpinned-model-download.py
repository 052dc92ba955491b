from datasets import load_dataset
from huggingface_hub import hf_hub_download, snapshot_download
from transformers import AutoModel, AutoTokenizer, pipeline

# ruleid: ai.unpinned-model-download
model = AutoModel.from_pretrained("someorg/encoder-base")

# ruleid: ai.unpinned-model-download
tok = AutoTokenizer.from_pretrained("someorg/encoder-base", revision="main")

# ruleid: ai.unpinned-model-download
weights = hf_hub_download(repo_id="someorg/encoder-base", filename="model.safetensors", revision="v1.0")

# ruleid: ai.unpinned-model-download
local_dir = snapshot_download("someorg/encoder-base")

# ruleid: ai.unpinned-model-download
ds = load_dataset("someorg/eval-set", split="test")

# ruleid: ai.unpinned-model-download
clf = pipeline("text-classification", model="someorg/sentiment")

# ok: ai.unpinned-model-download
pinned = AutoModel.from_pretrained("someorg/encoder-base", revision="5a1f0d2c9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a")

# ok: ai.unpinned-model-download
local = AutoModel.from_pretrained("./checkpoints/step-1000")

# ok: ai.unpinned-model-download
abs_local = AutoTokenizer.from_pretrained("/opt/models/encoder")

# ok: ai.unpinned-model-download
csv = load_dataset("csv", data_files="train.csv")

# ok: ai.unpinned-model-download
pinned_file = hf_hub_download(repo_id="someorg/encoder-base", filename="config.json", revision="5a1f0d2c9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a")
