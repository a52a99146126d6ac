// The part of Wasmtime 50's C API that wasmhost uses, declared by hand: the
// library comes from the PyPI wheel `wasmtime==50.0.1`, which ships no headers.
// Signatures follow the wheel's `wasmtime/_bindings.py`; by-value structs copy
// the upstream layout and are pinned with static asserts below, because a
// mismatch would corrupt memory silently.
#ifndef WASMHOST_WASMTIME_H
#define WASMHOST_WASMTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// Opaque handles.
typedef struct wasm_config_t wasm_config_t;
typedef struct wasm_engine_t wasm_engine_t;
typedef struct wasm_trap_t wasm_trap_t;
typedef struct wasm_frame_t wasm_frame_t;
typedef struct wasm_valtype_t wasm_valtype_t;
typedef struct wasm_functype_t wasm_functype_t;
typedef struct wasmtime_error wasmtime_error_t;
typedef struct wasmtime_module wasmtime_module_t;
typedef struct wasmtime_linker wasmtime_linker_t;
typedef struct wasmtime_instance_pre wasmtime_instance_pre_t;
typedef struct wasmtime_store wasmtime_store_t;
typedef struct wasmtime_context wasmtime_context_t;
typedef struct wasmtime_caller wasmtime_caller_t;
typedef struct wasmtime_sharedmemory wasmtime_sharedmemory_t;
typedef struct wasmtime_pooling_allocation_config_t wasmtime_pooling_allocation_config_t;
typedef struct wasi_config_t wasi_config_t;

// Vectors.
typedef struct wasm_byte_vec_t { size_t size; uint8_t *data; } wasm_byte_vec_t;
typedef wasm_byte_vec_t wasm_name_t;
typedef wasm_byte_vec_t wasm_message_t;
typedef struct wasm_frame_vec_t { size_t size; wasm_frame_t **data; } wasm_frame_vec_t;
typedef struct wasm_valtype_vec_t { size_t size; wasm_valtype_t **data; } wasm_valtype_vec_t;

// Value kinds of the wasm.h types (functype construction).
typedef uint8_t wasm_valkind_t;
enum { WASMHOST_WASM_I32 = 0, WASMHOST_WASM_I64 = 1, WASMHOST_WASM_F32 = 2, WASMHOST_WASM_F64 = 3,
       WASMHOST_WASM_V128 = 4, WASMHOST_WASM_EXTERNREF = 128, WASMHOST_WASM_FUNCREF = 129 };

// Store-bound handles (upstream layout).
typedef struct wasmtime_instance { uint64_t store_id; size_t __private; } wasmtime_instance_t;
typedef struct wasmtime_func { uint64_t store_id; void *__private; } wasmtime_func_t;
typedef struct wasmtime_table {
    struct { uint64_t store_id; uint32_t __private1; } head;
    uint32_t __private2;
} wasmtime_table_t;
typedef struct wasmtime_memory {
    struct { uint64_t store_id; uint32_t __private1; } head;
    uint32_t __private2;
} wasmtime_memory_t;
typedef struct wasmtime_tag {
    struct { uint64_t store_id; uint32_t __private1; } head;
    uint32_t __private2;
} wasmtime_tag_t;
typedef struct wasmtime_global {
    uint64_t store_id; uint32_t __private1; uint32_t __private2; uint32_t __private3;
} wasmtime_global_t;
typedef struct wasmtime_gcref {
    uint64_t store_id; uint32_t __private1; uint32_t __private2; void *__private3;
} wasmtime_anyref_t, wasmtime_externref_t, wasmtime_exnref_t;

typedef uint8_t wasmtime_extern_kind_t;
enum { WASMHOST_EXTERN_FUNC = 0, WASMHOST_EXTERN_GLOBAL = 1, WASMHOST_EXTERN_TABLE = 2,
       WASMHOST_EXTERN_MEMORY = 3, WASMHOST_EXTERN_SHAREDMEMORY = 4, WASMHOST_EXTERN_TAG = 5 };
typedef union wasmtime_extern_union {
    wasmtime_func_t func;
    wasmtime_global_t global;
    wasmtime_table_t table;
    wasmtime_memory_t memory;
    wasmtime_sharedmemory_t *sharedmemory;
    wasmtime_tag_t tag;
} wasmtime_extern_union_t;
typedef struct wasmtime_extern { wasmtime_extern_kind_t kind; wasmtime_extern_union_t of; } wasmtime_extern_t;

typedef uint8_t wasmtime_valkind_t;
enum { WASMHOST_VAL_I32 = 0, WASMHOST_VAL_I64 = 1, WASMHOST_VAL_F32 = 2, WASMHOST_VAL_F64 = 3,
       WASMHOST_VAL_V128 = 4, WASMHOST_VAL_FUNCREF = 5, WASMHOST_VAL_EXTERNREF = 6,
       WASMHOST_VAL_ANYREF = 7, WASMHOST_VAL_EXNREF = 8 };
typedef union wasmtime_valunion {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    wasmtime_anyref_t anyref;
    wasmtime_externref_t externref;
    wasmtime_exnref_t exnref;
    wasmtime_func_t funcref;
    uint8_t v128[16];
} wasmtime_valunion_t;
typedef struct wasmtime_val { wasmtime_valkind_t kind; wasmtime_valunion_t of; } wasmtime_val_t;

// The layouts the library was built with (Wasmtime 50, x86_64 and aarch64 Linux).
_Static_assert(sizeof(wasmtime_func_t) == 16, "wasmtime_func_t layout");
_Static_assert(sizeof(wasmtime_memory_t) == 24, "wasmtime_memory_t layout");
_Static_assert(sizeof(wasmtime_global_t) == 24, "wasmtime_global_t layout");
_Static_assert(sizeof(wasmtime_instance_t) == 16, "wasmtime_instance_t layout");
_Static_assert(sizeof(wasmtime_externref_t) == 24, "wasmtime_externref_t layout");
_Static_assert(sizeof(wasmtime_extern_t) == 32, "wasmtime_extern_t layout");
_Static_assert(offsetof(wasmtime_extern_t, of) == 8, "wasmtime_extern_t.of offset");
_Static_assert(sizeof(wasmtime_val_t) == 32, "wasmtime_val_t layout");
_Static_assert(offsetof(wasmtime_val_t, of) == 8, "wasmtime_val_t.of offset");
_Static_assert(sizeof(wasm_byte_vec_t) == 16, "wasm_byte_vec_t layout");

// Trap codes used to classify traps (wasmtime/trap.h).
typedef uint8_t wasmtime_trap_code_t;
enum {
    WASMHOST_TRAP_STACK_OVERFLOW = 0, WASMHOST_TRAP_MEMORY_OUT_OF_BOUNDS = 1, WASMHOST_TRAP_HEAP_MISALIGNED = 2,
    WASMHOST_TRAP_TABLE_OUT_OF_BOUNDS = 3, WASMHOST_TRAP_INDIRECT_CALL_TO_NULL = 4, WASMHOST_TRAP_BAD_SIGNATURE = 5,
    WASMHOST_TRAP_INTEGER_OVERFLOW = 6, WASMHOST_TRAP_INTEGER_DIVISION_BY_ZERO = 7,
    WASMHOST_TRAP_BAD_CONVERSION_TO_INTEGER = 8, WASMHOST_TRAP_UNREACHABLE = 9, WASMHOST_TRAP_INTERRUPT = 10,
    WASMHOST_TRAP_OUT_OF_FUEL = 11, WASMHOST_TRAP_NULL_REFERENCE = 13, WASMHOST_TRAP_UNCAUGHT_EXCEPTION = 49
};

typedef wasm_trap_t *(*wasmtime_func_callback_t)(
    void *env, wasmtime_caller_t *caller, const wasmtime_val_t *args, size_t nargs,
    wasmtime_val_t *results, size_t nresults);
typedef void (*wasmhost_finalizer_t)(void *);
typedef ssize_t (*wasmhost_output_callback_t)(void *data, const unsigned char *buf, size_t len);

// Byte vectors, traps, frames, errors.
void wasm_byte_vec_new(wasm_byte_vec_t *out, size_t size, const uint8_t *data);
void wasm_byte_vec_delete(wasm_byte_vec_t *vec);
void wasm_trap_delete(wasm_trap_t *trap);
void wasm_trap_message(const wasm_trap_t *trap, wasm_message_t *out);
void wasm_trap_trace(const wasm_trap_t *trap, wasm_frame_vec_t *out);
bool wasmtime_trap_code(const wasm_trap_t *trap, wasmtime_trap_code_t *code);
wasm_trap_t *wasmtime_trap_new(const char *msg, size_t msg_len);
void wasm_frame_vec_delete(wasm_frame_vec_t *frames);
uint32_t wasm_frame_func_index(const wasm_frame_t *frame);
const wasm_name_t *wasmtime_frame_func_name(const wasm_frame_t *frame);
void wasmtime_error_message(const wasmtime_error_t *error, wasm_name_t *message);
bool wasmtime_error_exit_status(const wasmtime_error_t *error, int *status);
void wasmtime_error_wasm_trace(const wasmtime_error_t *error, wasm_frame_vec_t *out);
void wasmtime_error_delete(wasmtime_error_t *error);
wasmtime_error_t *wasmtime_error_new(const char *message);

// Function types (host function definitions).
wasm_valtype_t *wasm_valtype_new(wasm_valkind_t kind);
void wasm_valtype_vec_new(wasm_valtype_vec_t *out, size_t size, wasm_valtype_t *const data[]);
void wasm_valtype_vec_new_empty(wasm_valtype_vec_t *out);
wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results);
void wasm_functype_delete(wasm_functype_t *type);

// Configuration and engine.
wasm_config_t *wasm_config_new(void);
void wasm_config_delete(wasm_config_t *config);
wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *config);
void wasm_engine_delete(wasm_engine_t *engine);
void wasmtime_engine_increment_epoch(wasm_engine_t *engine);
void wasmtime_config_consume_fuel_set(wasm_config_t *, bool);
void wasmtime_config_epoch_interruption_set(wasm_config_t *, bool);
void wasmtime_config_max_wasm_stack_set(wasm_config_t *, size_t);
void wasmtime_config_async_stack_size_set(wasm_config_t *, size_t);
void wasmtime_config_memory_reservation_set(wasm_config_t *, uint64_t);
void wasmtime_config_memory_guard_size_set(wasm_config_t *, uint64_t);
void wasmtime_config_memory_reservation_for_growth_set(wasm_config_t *, uint64_t);
void wasmtime_config_parallel_compilation_set(wasm_config_t *, bool);
void wasmtime_config_wasm_threads_set(wasm_config_t *, bool);
void wasmtime_config_wasm_tail_call_set(wasm_config_t *, bool);
void wasmtime_config_wasm_reference_types_set(wasm_config_t *, bool);
void wasmtime_config_wasm_function_references_set(wasm_config_t *, bool);
void wasmtime_config_wasm_gc_set(wasm_config_t *, bool);
void wasmtime_config_wasm_simd_set(wasm_config_t *, bool);
void wasmtime_config_wasm_relaxed_simd_set(wasm_config_t *, bool);
void wasmtime_config_wasm_bulk_memory_set(wasm_config_t *, bool);
void wasmtime_config_wasm_multi_value_set(wasm_config_t *, bool);
void wasmtime_config_wasm_multi_memory_set(wasm_config_t *, bool);
void wasmtime_config_wasm_memory64_set(wasm_config_t *, bool);
void wasmtime_config_wasm_wide_arithmetic_set(wasm_config_t *, bool);
void wasmtime_config_wasm_exceptions_set(wasm_config_t *, bool);
void wasmtime_config_wasm_custom_page_sizes_set(wasm_config_t *, bool);
void wasmtime_config_wasm_stack_switching_set(wasm_config_t *, bool);
void wasmtime_config_wasm_component_model_set(wasm_config_t *, bool);
void wasmtime_pooling_allocation_strategy_set(wasm_config_t *, const wasmtime_pooling_allocation_config_t *);
wasmtime_pooling_allocation_config_t *wasmtime_pooling_allocation_config_new(void);
void wasmtime_pooling_allocation_config_delete(wasmtime_pooling_allocation_config_t *);
void wasmtime_pooling_allocation_config_total_memories_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_total_tables_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_total_stacks_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_total_core_instances_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_total_gc_heaps_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_max_core_instance_size_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_max_tables_per_module_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_table_elements_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_max_memories_per_module_set(wasmtime_pooling_allocation_config_t *, uint32_t);
void wasmtime_pooling_allocation_config_max_memory_size_set(wasmtime_pooling_allocation_config_t *, size_t);
void wasmtime_pooling_allocation_config_max_unused_warm_slots_set(wasmtime_pooling_allocation_config_t *, uint32_t);

// Modules, linker, instances.
wasmtime_error_t *wasmtime_module_new(wasm_engine_t *, const uint8_t *wasm, size_t len, wasmtime_module_t **out);
void wasmtime_module_delete(wasmtime_module_t *);
wasmtime_error_t *wasmtime_module_serialize(wasmtime_module_t *, wasm_byte_vec_t *out);
wasmtime_error_t *wasmtime_module_deserialize(wasm_engine_t *, const uint8_t *bytes, size_t len, wasmtime_module_t **out);
wasmtime_linker_t *wasmtime_linker_new(wasm_engine_t *);
void wasmtime_linker_delete(wasmtime_linker_t *);
wasmtime_error_t *wasmtime_linker_define_func(
    wasmtime_linker_t *, const char *module, size_t module_len, const char *name, size_t name_len,
    const wasm_functype_t *type, wasmtime_func_callback_t cb, void *data, wasmhost_finalizer_t finalizer);
wasmtime_error_t *wasmtime_linker_define_wasi(wasmtime_linker_t *);
wasmtime_error_t *wasmtime_linker_instantiate_pre(
    const wasmtime_linker_t *, const wasmtime_module_t *, wasmtime_instance_pre_t **out);
void wasmtime_instance_pre_delete(wasmtime_instance_pre_t *);
wasmtime_error_t *wasmtime_instance_pre_instantiate(
    const wasmtime_instance_pre_t *, wasmtime_context_t *, wasmtime_instance_t *out, wasm_trap_t **trap);
bool wasmtime_instance_export_get(
    wasmtime_context_t *, const wasmtime_instance_t *, const char *name, size_t name_len, wasmtime_extern_t *out);

// Stores and calls.
wasmtime_store_t *wasmtime_store_new(wasm_engine_t *, void *data, wasmhost_finalizer_t finalizer);
wasmtime_context_t *wasmtime_store_context(wasmtime_store_t *);
void wasmtime_store_limiter(wasmtime_store_t *, int64_t memory_size, int64_t table_elements,
                            int64_t instances, int64_t tables, int64_t memories);
void wasmtime_store_delete(wasmtime_store_t *);
void *wasmtime_context_get_data(const wasmtime_context_t *);
wasmtime_error_t *wasmtime_context_set_fuel(wasmtime_context_t *, uint64_t fuel);
wasmtime_error_t *wasmtime_context_get_fuel(const wasmtime_context_t *, uint64_t *fuel);
wasmtime_error_t *wasmtime_context_set_wasi(wasmtime_context_t *, wasi_config_t *config);
void wasmtime_context_set_epoch_deadline(wasmtime_context_t *, uint64_t ticks_beyond_current);
wasmtime_error_t *wasmtime_func_call(
    wasmtime_context_t *, const wasmtime_func_t *, const wasmtime_val_t *args, size_t nargs,
    wasmtime_val_t *results, size_t nresults, wasm_trap_t **trap);
wasmtime_context_t *wasmtime_caller_context(wasmtime_caller_t *);
bool wasmtime_caller_export_get(wasmtime_caller_t *, const char *name, size_t name_len, wasmtime_extern_t *out);
uint8_t *wasmtime_memory_data(const wasmtime_context_t *, const wasmtime_memory_t *);
size_t wasmtime_memory_data_size(const wasmtime_context_t *, const wasmtime_memory_t *);
void wasmtime_val_unroot(wasmtime_val_t *);

// WASI preview 1.
wasi_config_t *wasi_config_new(void);
void wasi_config_delete(wasi_config_t *);
bool wasi_config_set_argv(wasi_config_t *, size_t argc, const char *argv[]);
bool wasi_config_set_env(wasi_config_t *, size_t envc, const char *names[], const char *values[]);
void wasi_config_set_stdin_bytes(wasi_config_t *, wasm_byte_vec_t *binary);
void wasi_config_set_stdout_custom(wasi_config_t *, wasmhost_output_callback_t, void *data, wasmhost_finalizer_t);
void wasi_config_set_stderr_custom(wasi_config_t *, wasmhost_output_callback_t, void *data, wasmhost_finalizer_t);

#endif
