import type { ComponentType } from "react";
import type { ParamKind } from "../../protocol";
import { AggregationsEditor } from "./AggregationsEditor";
import { BooleanInput } from "./BooleanInput";
import { ClusterReview } from "./ClusterReview";
import { ColumnList } from "./ColumnList";
import { ColumnListsEditor } from "./ColumnListsEditor";
import { ColumnPicker } from "./ColumnPicker";
import { DatasetColumnsPicker } from "./DatasetColumnsPicker";
import { DatasetPicker } from "./DatasetPicker";
import { DatasetsPicker } from "./DatasetsPicker";
import { DateFormatInput } from "./DateFormatInput";
import { EnumInput } from "./EnumInput";
import { JoinKeysEditor } from "./JoinKeysEditor";
import { KeyValueEditor } from "./KeyValueEditor";
import { NewColumnInput } from "./NewColumnInput";
import { NumberInput } from "./NumberInput";
import { ObjectEditor } from "./ObjectEditor";
import { PatternOptionEditor, PatternOptionsEditor } from "./PatternOptionsEditor";
import { RegexInput } from "./RegexInput";
import { SortKeysEditor } from "./SortKeysEditor";
import { TextInput } from "./TextInput";
import { TextListEditor } from "./TextListEditor";
import type { ControlProps } from "./types";

/** One control per parameter kind; the record type makes a new kind without a control a type error. */
export const CONTROLS: Record<ParamKind, ComponentType<ControlProps>> = {
  column: ColumnPicker,
  columns: ColumnList,
  new_column: NewColumnInput,
  text: TextInput,
  regex: RegexInput,
  integer: NumberInput,
  number: NumberInput,
  boolean: BooleanInput,
  enum: EnumInput,
  date_format: DateFormatInput,
  dataset: DatasetPicker,
  text_list: TextListEditor,
  number_list: TextListEditor,
  key_value_map: KeyValueEditor,
  sort_keys: SortKeysEditor,
  aggregations: AggregationsEditor,
  join_keys: JoinKeysEditor,
  pattern_options: PatternOptionsEditor,
  pattern_option: PatternOptionEditor,
  column_lists: ColumnListsEditor,
  datasets: DatasetsPicker,
  dataset_columns: DatasetColumnsPicker,
  object: ObjectEditor,
  clusters: ClusterReview,
};

export type { ControlProps } from "./types";
