import os

# ruleid: py.django-debug
DEBUG = True

# ruleid: py.django-debug
TEMPLATE_DEBUG = True

# ok: py.django-debug
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"

# ok: py.django-debug
DEBUG = False

ALLOWED_HOSTS = ["app.example.com"]
