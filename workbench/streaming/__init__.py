"""Streaming: a recipe applied to each micro-batch of files arriving in a folder.

On Spark, Structured Streaming's file source and checkpoint, with each batch published under its
batch id and listed in the output folder's manifest (:mod:`workbench.streaming.spark_stream`); on
pandas, the same loop by polling with a bookmark (:mod:`workbench.streaming.polling`).
"""

from workbench.streaming.polling import run_polling_stream
from workbench.streaming.spark_stream import BatchRecord, StreamJob, run_spark_stream

__all__ = ["BatchRecord", "StreamJob", "run_polling_stream", "run_spark_stream"]
