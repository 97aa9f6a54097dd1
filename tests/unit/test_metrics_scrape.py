"""A scrape of every worker's metrics while a worker is creating its values file (0 bytes for a moment):
prometheus_client's collector fails the whole scrape (prometheus/client_python#1199), FlexPool's leaves the
empty file out."""
import struct

import pytest
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.mmap_dict import MmapedDict, mmap_key

from flexpool import metrics


def test_a_scrape_while_a_worker_creates_its_values_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    values = MmapedDict(str(tmp_path / "counter_101.db"))
    values.write_value(mmap_key("flexpool_accepts", "flexpool_accepts_total", ("outcome",), ("booked",), "help"),
                       3.0, 0)
    values.close()
    (tmp_path / "counter_102.db").touch()  # the other worker, between creating and sizing its file

    stock = CollectorRegistry()
    multiprocess.MultiProcessCollector(stock)
    with pytest.raises(struct.error):  # the premise: the stock collector fails the whole scrape
        generate_latest(stock)

    scraped = generate_latest(metrics.registry()).decode()
    assert 'flexpool_accepts_total{outcome="booked"} 3.0' in scraped
