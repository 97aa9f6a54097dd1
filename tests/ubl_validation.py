"""The validators finance's software runs on a UBL invoice, offline: the OASIS UBL 2.1 XSD, and the
EN 16931 and SI-UBL 2.0 (NLCIUS) schematron rules compiled to XSLT (copied from the published artefacts
into tests/validation/, with their licences)."""
from __future__ import annotations

import functools
from pathlib import Path

import xmlschema
from lxml import etree
from saxonche import PySaxonProcessor

HERE = Path(__file__).parent / "validation"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@functools.cache
def _schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(HERE / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd"))


@functools.cache
def _processor():
    return PySaxonProcessor(license=False)


@functools.cache
def _stylesheet(name: str):
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(HERE / name))


def schema_errors(xml: bytes) -> list[str]:
    return [str(e.reason or e) for e in _schema().iter_errors(xml.decode("utf-8"))]


def fatal_assertions(xml: bytes, rules: str) -> list[str]:
    """`rules`: EN16931-UBL-validation.xslt or SI-UBL-2.0.3.13-validation.xslt; the failed fatal asserts."""
    document = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = _stylesheet(rules).transform_to_string(xdm_node=document)
    tree = etree.fromstring(report.encode("utf-8"))
    return [" ".join(a.findtext("svrl:text", namespaces=SVRL).split()) + f" (at {a.get('location')})"
            for a in tree.iterfind(".//svrl:failed-assert", SVRL) if a.get("flag") == "fatal"]


def problems(xml: bytes) -> list[str]:
    return schema_errors(xml) + fatal_assertions(xml, "EN16931-UBL-validation.xslt") + \
        fatal_assertions(xml, "SI-UBL-2.0.3.13-validation.xslt")
