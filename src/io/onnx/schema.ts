// The part of ONNX's protobuf schema wgslnet reads and writes, copied field for field (names,
// numbers, types) from onnx/onnx.proto (ONNX 1.17, IR version 10; proto2 syntax): the model, its
// graph, nodes, attributes, tensors and value infos. Fields outside this subset are skipped by
// the decoder (protobuf's rule for unknown fields); the ones that would change the meaning of a
// model wgslnet can read (sparse initializers, functions, training info) are declared so that
// their presence can be refused by name instead of ignored.
import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; SPARSE_TENSOR = 11; TYPE_PROTO = 13;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; SPARSE_TENSORS = 12; TYPE_PROTOS = 14;
  }
  optional string name = 1;
  optional string ref_attr_name = 21;
  optional string doc_string = 13;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  optional string overload = 8;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}

message TrainingInfoProto {
  optional GraphProto initialization = 1;
  optional GraphProto algorithm = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
  repeated TrainingInfoProto training_info = 20;
  repeated FunctionProto functions = 25;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated SparseTensorProto sparse_initializer = 15;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  enum DataType {
    UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; UINT16 = 4; INT16 = 5; INT32 = 6; INT64 = 7; STRING = 8;
    BOOL = 9; FLOAT16 = 10; DOUBLE = 11; UINT32 = 12; UINT64 = 13; COMPLEX64 = 14; COMPLEX128 = 15; BFLOAT16 = 16;
  }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  enum DataLocation { DEFAULT = 0; EXTERNAL = 1; }
  optional DataLocation data_location = 14;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
}

message SparseTensorProto {
  optional TensorProto values = 1;
  optional TensorProto indices = 2;
  repeated int64 dims = 3;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    };
    optional string denotation = 3;
  };
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  optional string denotation = 6;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message FunctionProto {
  optional string name = 1;
  optional string domain = 10;
}
`;

// Plain-object views of the messages, as ModelProto.toObject({ longs: Number, bytes: Uint8Array })
// returns them (snake_case field names kept; absent optional fields absent).
export interface TensorShapeDim { dim_value?: number; dim_param?: string }
export interface ValueInfo { name?: string; type?: { tensor_type?: { elem_type?: number; shape?: { dim?: TensorShapeDim[] } } } }
export interface StringEntry { key?: string; value?: string }
export interface TensorMsg {
  name?: string;
  dims?: number[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  raw_data?: Uint8Array;
  data_location?: number;
  external_data?: StringEntry[];
}
export interface AttributeMsg { name?: string; type?: number; f?: number; i?: number; s?: Uint8Array; t?: TensorMsg; floats?: number[]; ints?: number[]; strings?: Uint8Array[]; g?: unknown; graphs?: unknown[]; ref_attr_name?: string }
export interface NodeMsg { input?: string[]; output?: string[]; name?: string; op_type?: string; domain?: string; attribute?: AttributeMsg[] }
export interface GraphMsg {
  node?: NodeMsg[];
  name?: string;
  initializer?: TensorMsg[];
  sparse_initializer?: unknown[];
  input?: ValueInfo[];
  output?: ValueInfo[];
  value_info?: ValueInfo[];
  doc_string?: string;
}
export interface ModelMsg {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  doc_string?: string;
  graph?: GraphMsg;
  metadata_props?: StringEntry[];
  training_info?: unknown[];
  functions?: { name?: string; domain?: string }[];
}

/** TensorProto.DataType values wgslnet meets. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values wgslnet writes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;
/** TensorProto.DataLocation.EXTERNAL: the values live in another file (external_data says where). */
export const EXTERNAL = 1;

let modelType: protobuf.Type | null = null;

/** onnx.ModelProto, parsed from the schema above on first use. */
export function modelProto(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** The bytes of a ModelProto. */
export function encodeModel(model: ModelMsg): Uint8Array {
  const type = modelProto();
  return type.encode(type.fromObject(model)).finish();
}

/** A ModelProto's plain object; throws protobuf's error for bytes that are not one. */
export function decodeModel(bytes: Uint8Array): ModelMsg {
  const type = modelProto();
  return type.toObject(type.decode(bytes), { longs: Number }) as ModelMsg;
}
