import json

from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from flask import Response, jsonify


def missing(request, name):
    # ruleid: py.html-response-formatted
    return HttpResponseNotFound(f"Project {name} does not exist")


def pref(key, value):
    # ruleid: py.html-response-formatted
    return Response(json.dumps({"key": key, "value": value}))


def pref_json(key, value):
    # ok: py.html-response-formatted
    return Response(json.dumps({"key": key, "value": value}), mimetype="application/json")


def missing_json(request, name):
    # ok: py.html-response-formatted
    return JsonResponse({"error": f"Project {name} does not exist"}, status=404)


def static_page(request):
    # ok: py.html-response-formatted
    return HttpResponse("<p>" + "static" + "</p>")
