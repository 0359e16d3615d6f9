"""Logical types on Spark."""

from __future__ import annotations

from pyspark.sql import types as T

from workbench.core.types import LType, Schema

_SPARK_OF = {
    LType.STRING: T.StringType(),
    LType.INTEGER: T.LongType(),
    LType.DOUBLE: T.DoubleType(),
    LType.DECIMAL: T.DecimalType(38, 18),
    LType.BOOLEAN: T.BooleanType(),
    LType.DATE: T.DateType(),
    LType.TIMESTAMP: T.TimestampType(),
}


def spark_type(ltype: LType) -> T.DataType:
    """The Spark type that stores ``ltype``."""
    try:
        return _SPARK_OF[ltype]
    except KeyError:
        msg = f"{ltype.value} columns have no default Spark type; give the element type"
        raise TypeError(msg) from None


def ltype_of_spark(t: T.DataType) -> LType:
    """The logical type of a Spark type."""
    checks: tuple[tuple[type | tuple[type, ...], LType], ...] = (
        ((T.StringType, T.VarcharType, T.CharType), LType.STRING),
        ((T.ByteType, T.ShortType, T.IntegerType, T.LongType), LType.INTEGER),
        ((T.FloatType, T.DoubleType), LType.DOUBLE),
        (T.DecimalType, LType.DECIMAL),
        (T.BooleanType, LType.BOOLEAN),
        (T.DateType, LType.DATE),
        ((T.TimestampType, T.TimestampNTZType), LType.TIMESTAMP),
        (T.ArrayType, LType.ARRAY),
        (T.StructType, LType.STRUCT),
        (T.MapType, LType.MAP),
        (T.NullType, LType.STRING),
    )
    for kind, ltype in checks:
        if isinstance(t, kind):
            return ltype
    msg = f"unsupported Spark type {t.simpleString()}"
    raise TypeError(msg)


def struct_of(schema: Schema) -> T.StructType:
    """An explicit Spark schema for a logical schema."""
    return T.StructType([T.StructField(name, spark_type(lt), True) for name, lt in schema.items()])
