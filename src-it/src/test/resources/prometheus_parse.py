# Parses Prometheus text format on stdin with the official Python client's parser and prints the families as JSON:
# [{"name": ..., "type": ..., "samples": [{"name": ..., "labels": {...}, "value": ...}]}]. Exits non-zero (with the
# parser's error) on anything that is not valid text format. Used by src-it's PrometheusText.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
    })
json.dump(families, sys.stdout)
