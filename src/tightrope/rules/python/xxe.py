import xml.sax
from xml.sax.handler import feature_external_ges

import defusedxml.ElementTree as SafeET
from lxml import etree


def parse_upload(data):
    # ruleid: py.xxe
    parser = etree.XMLParser(resolve_entities=True, no_network=True)
    return etree.fromstring(data, parser)


def parse_with_dtd(data):
    # ruleid: py.xxe
    parser = etree.XMLParser(load_dtd=True, no_network=False)
    return etree.fromstring(data, parser)


def sax_parse(stream, handler):
    p = xml.sax.make_parser()
    # ruleid: py.xxe
    p.setFeature(feature_external_ges, True)
    p.setContentHandler(handler)
    p.parse(stream)


def parse_upload_safe(data):
    # ok: py.xxe
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(data, parser)


def parse_defused(data):
    # ok: py.xxe
    return SafeET.fromstring(data)


def sax_safe(p):
    # ok: py.xxe
    p.setFeature(feature_external_ges, False)
