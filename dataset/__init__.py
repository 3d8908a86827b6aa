"""The Parquet dataset contract, in one place (DESIGN §6): what the processor writes and every reader reads.

A bottom-layer package: it imports only ``questionnaires`` (and pyarrow), so the processor, the
warehouse and the CLI share it, and the collector may use its stdlib-only part
(:mod:`dataset.durable`) without loading pyarrow.

- :mod:`dataset.schema` — the Arrow schemas of ``responses`` and ``answers``;
- :mod:`dataset.layout` — directories (``responses``/``answers``/``failed``), hive partitions
  (``period=YYYY-MM/pa_type=XX``) and file names (``part-PPP-FIRST-LAST-DIGEST.parquet``);
- :mod:`dataset.durable` — the dataset lock, ``fsync_dir`` and atomic writes (stdlib only);
- :mod:`dataset.files` — durable Parquet writes of a batch, the crash sweep, and reads that list and
  read files under the lock or retry when compaction moved a file away;
- :mod:`dataset.views` — the one SQL definition of the ``responses`` view, and :data:`dataset.views.COUNTED`,
  the one predicate of the rows that count (automated answers are kept but never counted);
- :mod:`dataset.testrows` — check-up answers (test mode), stored apart in ``test/``, never counted.
- :mod:`dataset.reasons` — the dead letters that are no refused record (``retention_gap``; stdlib only);
- :mod:`dataset.failed` — the ``failed/`` dead letters as every reader counts them: one per letter, with
  its status from the ledger (``ascolto failed list`` and the console's data-quality page).

Nothing is imported here eagerly: ``import dataset.durable`` must stay cheap.
"""
