// The part of Wasmtime 50's component-model C API that wasmhost uses, declared
// by hand like wasmhost_wasmtime.h (the wheel ships no headers). Signatures and
// by-value layouts follow the wheel's `wasmtime/_bindings.py`; the layouts are
// pinned with static asserts below.
#ifndef WASMHOST_WASMTIME_COMPONENT_H
#define WASMHOST_WASMTIME_COMPONENT_H

#include "wasmhost_wasmtime.h"

// Opaque handles.
typedef struct wasmtime_component_t wasmtime_component_t;
typedef struct wasmtime_component_type_t wasmtime_component_type_t;
typedef struct wasmtime_component_extern_t wasmtime_component_extern_t;
typedef struct wasmtime_component_instance_type_t wasmtime_component_instance_type_t;
typedef struct wasmtime_component_func_type_t wasmtime_component_func_type_t;
typedef struct wasmtime_component_resource_type_t wasmtime_component_resource_type_t;
typedef struct wasmtime_module_type_t wasmtime_module_type_t;
typedef struct wasmtime_component_list_type_t wasmtime_component_list_type_t;
typedef struct wasmtime_component_record_type_t wasmtime_component_record_type_t;
typedef struct wasmtime_component_tuple_type_t wasmtime_component_tuple_type_t;
typedef struct wasmtime_component_variant_type_t wasmtime_component_variant_type_t;
typedef struct wasmtime_component_enum_type_t wasmtime_component_enum_type_t;
typedef struct wasmtime_component_option_type_t wasmtime_component_option_type_t;
typedef struct wasmtime_component_result_type_t wasmtime_component_result_type_t;
typedef struct wasmtime_component_flags_type_t wasmtime_component_flags_type_t;
typedef struct wasmtime_component_future_type_t wasmtime_component_future_type_t;
typedef struct wasmtime_component_stream_type_t wasmtime_component_stream_type_t;
typedef struct wasmtime_component_map_type_t wasmtime_component_map_type_t;
typedef struct wasmtime_component_linker_t wasmtime_component_linker_t;
typedef struct wasmtime_component_linker_instance_t wasmtime_component_linker_instance_t;
typedef struct wasmtime_component_export_index_t wasmtime_component_export_index_t;
typedef struct wasmtime_component_resource_any_t wasmtime_component_resource_any_t;

// Value types (types/val.h).
typedef uint8_t wasmtime_component_valtype_kind_t;
enum {
    WASMHOST_CVT_BOOL = 0, WASMHOST_CVT_S8 = 1, WASMHOST_CVT_S16 = 2, WASMHOST_CVT_S32 = 3, WASMHOST_CVT_S64 = 4,
    WASMHOST_CVT_U8 = 5, WASMHOST_CVT_U16 = 6, WASMHOST_CVT_U32 = 7, WASMHOST_CVT_U64 = 8,
    WASMHOST_CVT_F32 = 9, WASMHOST_CVT_F64 = 10, WASMHOST_CVT_CHAR = 11, WASMHOST_CVT_STRING = 12,
    WASMHOST_CVT_LIST = 13, WASMHOST_CVT_RECORD = 14, WASMHOST_CVT_TUPLE = 15, WASMHOST_CVT_VARIANT = 16,
    WASMHOST_CVT_ENUM = 17, WASMHOST_CVT_OPTION = 18, WASMHOST_CVT_RESULT = 19, WASMHOST_CVT_FLAGS = 20,
    WASMHOST_CVT_OWN = 21, WASMHOST_CVT_BORROW = 22, WASMHOST_CVT_FUTURE = 23, WASMHOST_CVT_STREAM = 24,
    WASMHOST_CVT_ERROR_CONTEXT = 25
};
typedef union wasmtime_component_valtype_union {
    wasmtime_component_list_type_t *list;
    wasmtime_component_record_type_t *record;
    wasmtime_component_tuple_type_t *tuple;
    wasmtime_component_variant_type_t *variant;
    wasmtime_component_enum_type_t *enum_;
    wasmtime_component_option_type_t *option;
    wasmtime_component_result_type_t *result;
    wasmtime_component_flags_type_t *flags;
    wasmtime_component_resource_type_t *own;
    wasmtime_component_resource_type_t *borrow;
    wasmtime_component_future_type_t *future;
    wasmtime_component_stream_type_t *stream;
    wasmtime_component_map_type_t *map;
} wasmtime_component_valtype_union_t;
typedef struct wasmtime_component_valtype_t {
    wasmtime_component_valtype_kind_t kind;
    wasmtime_component_valtype_union_t of;
} wasmtime_component_valtype_t;

// Items of a component's type (types/component.h).
typedef uint8_t wasmtime_component_item_kind_t;
enum {
    WASMHOST_CITEM_COMPONENT = 0, WASMHOST_CITEM_COMPONENT_INSTANCE = 1, WASMHOST_CITEM_MODULE = 2,
    WASMHOST_CITEM_COMPONENT_FUNC = 3, WASMHOST_CITEM_RESOURCE = 4, WASMHOST_CITEM_CORE_FUNC = 5,
    WASMHOST_CITEM_TYPE = 6
};
typedef union wasmtime_component_item_union {
    wasmtime_component_type_t *component;
    wasmtime_component_instance_type_t *component_instance;
    wasmtime_module_type_t *module;
    wasmtime_component_func_type_t *component_func;
    wasmtime_component_resource_type_t *resource;
    wasm_functype_t *core_func;
    wasmtime_component_valtype_t type;
} wasmtime_component_item_union_t;
typedef struct wasmtime_component_item_t {
    wasmtime_component_item_kind_t kind;
    wasmtime_component_item_union_t of;
} wasmtime_component_item_t;

// Values (val.h).
typedef uint8_t wasmtime_component_valkind_t;
enum {
    WASMHOST_CV_BOOL = 0, WASMHOST_CV_S8 = 1, WASMHOST_CV_U8 = 2, WASMHOST_CV_S16 = 3, WASMHOST_CV_U16 = 4,
    WASMHOST_CV_S32 = 5, WASMHOST_CV_U32 = 6, WASMHOST_CV_S64 = 7, WASMHOST_CV_U64 = 8, WASMHOST_CV_F32 = 9,
    WASMHOST_CV_F64 = 10, WASMHOST_CV_CHAR = 11, WASMHOST_CV_STRING = 12, WASMHOST_CV_LIST = 13,
    WASMHOST_CV_RECORD = 14, WASMHOST_CV_TUPLE = 15, WASMHOST_CV_VARIANT = 16, WASMHOST_CV_ENUM = 17,
    WASMHOST_CV_OPTION = 18, WASMHOST_CV_RESULT = 19, WASMHOST_CV_FLAGS = 20, WASMHOST_CV_RESOURCE = 21
};
struct wasmtime_component_val;
struct wasmtime_component_valrecord_entry;
typedef struct wasmtime_component_vallist { size_t size; struct wasmtime_component_val *data; } wasmtime_component_vallist_t;
typedef struct wasmtime_component_valrecord {
    size_t size;
    struct wasmtime_component_valrecord_entry *data;
} wasmtime_component_valrecord_t;
typedef struct wasmtime_component_valtuple { size_t size; struct wasmtime_component_val *data; } wasmtime_component_valtuple_t;
typedef struct wasmtime_component_valflags { size_t size; wasm_name_t *data; } wasmtime_component_valflags_t;
typedef struct wasmtime_component_valmap { size_t size; void *data; } wasmtime_component_valmap_t;
typedef struct wasmtime_component_valvariant {
    wasm_name_t discriminant;
    struct wasmtime_component_val *val;
} wasmtime_component_valvariant_t;
typedef struct wasmtime_component_valresult { bool is_ok; struct wasmtime_component_val *val; } wasmtime_component_valresult_t;
typedef union wasmtime_component_valunion {
    bool boolean;
    int8_t s8;
    uint8_t u8;
    int16_t s16;
    uint16_t u16;
    int32_t s32;
    uint32_t u32;
    int64_t s64;
    uint64_t u64;
    float f32;
    double f64;
    uint32_t character;
    wasm_name_t string;
    wasmtime_component_vallist_t list;
    wasmtime_component_valrecord_t record;
    wasmtime_component_valtuple_t tuple;
    wasmtime_component_valvariant_t variant;
    wasm_name_t enumeration;
    struct wasmtime_component_val *option;
    wasmtime_component_valresult_t result;
    wasmtime_component_valflags_t flags;
    wasmtime_component_valmap_t map;
    wasmtime_component_resource_any_t *resource;
} wasmtime_component_valunion_t;
typedef struct wasmtime_component_val {
    wasmtime_component_valkind_t kind;
    wasmtime_component_valunion_t of;
} wasmtime_component_val_t;
typedef struct wasmtime_component_valrecord_entry {
    wasm_name_t name;
    wasmtime_component_val_t val;
} wasmtime_component_valrecord_entry_t;

// Store-bound handles.
typedef struct wasmtime_component_instance { uint64_t store_id; uint32_t __private; } wasmtime_component_instance_t;
typedef struct wasmtime_component_func {
    struct { uint64_t store_id; uint32_t __private1; } head;
    uint32_t __private2;
    void *__private3;
} wasmtime_component_func_t;

_Static_assert(sizeof(wasmtime_component_valtype_t) == 16, "wasmtime_component_valtype_t layout");
_Static_assert(sizeof(wasmtime_component_item_t) == 24, "wasmtime_component_item_t layout");
_Static_assert(offsetof(wasmtime_component_item_t, of) == 8, "wasmtime_component_item_t.of offset");
_Static_assert(sizeof(wasmtime_component_val_t) == 32, "wasmtime_component_val_t layout");
_Static_assert(offsetof(wasmtime_component_val_t, of) == 8, "wasmtime_component_val_t.of offset");
_Static_assert(sizeof(wasmtime_component_valrecord_entry_t) == 48, "wasmtime_component_valrecord_entry_t layout");
_Static_assert(sizeof(wasmtime_component_instance_t) == 16, "wasmtime_component_instance_t layout");
_Static_assert(sizeof(wasmtime_component_func_t) == 32, "wasmtime_component_func_t layout");

typedef wasmtime_error_t *(*wasmtime_component_func_callback_t)(
    void *data, wasmtime_context_t *, const wasmtime_component_func_type_t *,
    wasmtime_component_val_t *args, size_t nargs, wasmtime_component_val_t *results, size_t nresults);

// Components and their types.
wasmtime_error_t *wasmtime_component_new(
    const wasm_engine_t *, const uint8_t *buf, size_t len, wasmtime_component_t **out);
wasmtime_error_t *wasmtime_component_serialize(const wasmtime_component_t *, wasm_byte_vec_t *out);
wasmtime_error_t *wasmtime_component_deserialize(
    const wasm_engine_t *, const uint8_t *buf, size_t len, wasmtime_component_t **out);
void wasmtime_component_delete(wasmtime_component_t *);
wasmtime_component_type_t *wasmtime_component_type(const wasmtime_component_t *);
void wasmtime_component_type_delete(wasmtime_component_type_t *);
size_t wasmtime_component_type_import_count(const wasmtime_component_type_t *, const wasm_engine_t *);
bool wasmtime_component_type_import_nth(
    const wasmtime_component_type_t *, const wasm_engine_t *, size_t nth,
    const char **name, size_t *name_len, wasmtime_component_extern_t **out);
size_t wasmtime_component_type_export_count(const wasmtime_component_type_t *, const wasm_engine_t *);
bool wasmtime_component_type_export_nth(
    const wasmtime_component_type_t *, const wasm_engine_t *, size_t nth,
    const char **name, size_t *name_len, wasmtime_component_extern_t **out);
void wasmtime_component_extern_type(const wasmtime_component_extern_t *, wasmtime_component_item_t *out);
void wasmtime_component_extern_delete(wasmtime_component_extern_t *);
void wasmtime_component_item_delete(wasmtime_component_item_t *);
size_t wasmtime_component_instance_type_export_count(const wasmtime_component_instance_type_t *, const wasm_engine_t *);
bool wasmtime_component_instance_type_export_nth(
    const wasmtime_component_instance_type_t *, const wasm_engine_t *, size_t nth,
    const char **name, size_t *name_len, wasmtime_component_extern_t **out);
size_t wasmtime_component_func_type_param_count(const wasmtime_component_func_type_t *);
bool wasmtime_component_func_type_param_nth(
    const wasmtime_component_func_type_t *, size_t nth, const char **name, size_t *name_len,
    wasmtime_component_valtype_t *type);
bool wasmtime_component_func_type_result(const wasmtime_component_func_type_t *, wasmtime_component_valtype_t *type);
bool wasmtime_component_func_type_async(const wasmtime_component_func_type_t *);
void wasmtime_component_func_type_delete(wasmtime_component_func_type_t *);
bool wasmtime_component_valtype_equal(const wasmtime_component_valtype_t *, const wasmtime_component_valtype_t *);
void wasmtime_component_valtype_clone(const wasmtime_component_valtype_t *, wasmtime_component_valtype_t *out);
void wasmtime_component_valtype_delete(wasmtime_component_valtype_t *);
bool wasmtime_component_resource_type_equal(
    const wasmtime_component_resource_type_t *, const wasmtime_component_resource_type_t *);
void wasmtime_component_resource_type_delete(wasmtime_component_resource_type_t *);
void wasmtime_component_list_type_element(const wasmtime_component_list_type_t *, wasmtime_component_valtype_t *out);
size_t wasmtime_component_record_type_field_count(const wasmtime_component_record_type_t *);
bool wasmtime_component_record_type_field_nth(
    const wasmtime_component_record_type_t *, size_t nth, const char **name, size_t *name_len,
    wasmtime_component_valtype_t *type);
size_t wasmtime_component_tuple_type_types_count(const wasmtime_component_tuple_type_t *);
bool wasmtime_component_tuple_type_types_nth(const wasmtime_component_tuple_type_t *, size_t nth, wasmtime_component_valtype_t *out);
size_t wasmtime_component_variant_type_case_count(const wasmtime_component_variant_type_t *);
bool wasmtime_component_variant_type_case_nth(
    const wasmtime_component_variant_type_t *, size_t nth, const char **name, size_t *name_len,
    bool *has_payload, wasmtime_component_valtype_t *payload);
size_t wasmtime_component_enum_type_names_count(const wasmtime_component_enum_type_t *);
bool wasmtime_component_enum_type_names_nth(
    const wasmtime_component_enum_type_t *, size_t nth, const char **name, size_t *name_len);
void wasmtime_component_option_type_ty(const wasmtime_component_option_type_t *, wasmtime_component_valtype_t *out);
bool wasmtime_component_result_type_ok(const wasmtime_component_result_type_t *, wasmtime_component_valtype_t *out);
bool wasmtime_component_result_type_err(const wasmtime_component_result_type_t *, wasmtime_component_valtype_t *out);
size_t wasmtime_component_flags_type_names_count(const wasmtime_component_flags_type_t *);
bool wasmtime_component_flags_type_names_nth(
    const wasmtime_component_flags_type_t *, size_t nth, const char **name, size_t *name_len);

// Linking, instances and calls.
wasmtime_component_linker_t *wasmtime_component_linker_new(const wasm_engine_t *);
void wasmtime_component_linker_delete(wasmtime_component_linker_t *);
wasmtime_component_linker_instance_t *wasmtime_component_linker_root(wasmtime_component_linker_t *);
wasmtime_error_t *wasmtime_component_linker_instance_add_instance(
    wasmtime_component_linker_instance_t *, const char *name, size_t name_len,
    wasmtime_component_linker_instance_t **out);
wasmtime_error_t *wasmtime_component_linker_instance_add_func(
    wasmtime_component_linker_instance_t *, const char *name, size_t name_len,
    wasmtime_component_func_callback_t callback, void *data, wasmhost_finalizer_t finalizer);
void wasmtime_component_linker_instance_delete(wasmtime_component_linker_instance_t *);
wasmtime_error_t *wasmtime_component_linker_add_wasip2(wasmtime_component_linker_t *);
wasmtime_error_t *wasmtime_component_linker_instantiate(
    const wasmtime_component_linker_t *, wasmtime_context_t *, const wasmtime_component_t *,
    wasmtime_component_instance_t *out);
wasmtime_component_export_index_t *wasmtime_component_instance_get_export_index(
    const wasmtime_component_instance_t *, wasmtime_context_t *, const wasmtime_component_export_index_t *parent,
    const char *name, size_t name_len);
bool wasmtime_component_instance_get_func(
    const wasmtime_component_instance_t *, wasmtime_context_t *, const wasmtime_component_export_index_t *,
    wasmtime_component_func_t *out);
void wasmtime_component_export_index_delete(wasmtime_component_export_index_t *);
wasmtime_error_t *wasmtime_component_func_call(
    const wasmtime_component_func_t *, wasmtime_context_t *, const wasmtime_component_val_t *args, size_t nargs,
    wasmtime_component_val_t *results, size_t nresults);
wasmtime_error_t *wasmtime_component_func_post_return(const wasmtime_component_func_t *, wasmtime_context_t *);

// Component text (the `wat` crate assembles `(component …)` as well as modules).
wasmtime_error_t *wasmtime_wat2wasm(const char *wat, size_t wat_len, wasm_byte_vec_t *out);

// Building and freeing values (Wasmtime owns the memory of what these make).
wasmtime_component_val_t *wasmtime_component_val_new(wasmtime_component_val_t *moved);
void wasmtime_component_val_delete(wasmtime_component_val_t *);
void wasmtime_component_vallist_new_uninit(wasmtime_component_vallist_t *out, size_t size);
void wasmtime_component_valrecord_new_uninit(wasmtime_component_valrecord_t *out, size_t size);
void wasmtime_component_valtuple_new_uninit(wasmtime_component_valtuple_t *out, size_t size);
void wasmtime_component_valflags_new_uninit(wasmtime_component_valflags_t *out, size_t size);

#endif
