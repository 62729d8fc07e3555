/* Bounded buffer, arena and value tree basics. */
#include <string.h>

#include "harness.h"
#include "smk/buf.h"
#include "smk/value.h"

static void buf_respects_max(void)
{
    struct smk_buf b;

    smk_buf_init(&b, 8);
    CHECK(smk_buf_append_str(&b, "abcd") == SMK_OK);
    CHECK(smk_buf_appendf(&b, "%d", 1234) == SMK_OK);
    CHECK_STR(smk_buf_cstr(&b), "abcd1234");
    CHECK(smk_buf_append_char(&b, 'x') == SMK_E_TOO_LARGE);
    CHECK(b.len == 8);
    CHECK_STR(smk_buf_cstr(&b), "abcd1234");
    smk_buf_reset(&b);
    CHECK_STR(smk_buf_cstr(&b), "");
    smk_buf_cleanup(&b);
    smk_buf_cleanup(&b);
}

static void arena_reuses_memory(void)
{
    struct smk_arena a;
    struct smk_value v;
    int i;

    smk_arena_init(&a, 0);
    for (i = 0; i < 3; i++) {
        CHECK(smk_value_set_map(&a, &v, 2) == SMK_OK);
        CHECK(smk_value_map_set_key(&a, &v, 0, "Key", 3) == SMK_OK);
        CHECK(smk_value_set_string(&a, &v.u.map.items[0].value, "a\0b", 3) == SMK_OK);
        CHECK(smk_value_map_set_key(&a, &v, 1, "N", 1) == SMK_OK);
        smk_value_set_int(&v.u.map.items[1].value, 7);
        CHECK(smk_value_get(&v, "Key")->u.s.len == 3);
        CHECK(smk_value_get(&v, "N")->u.i == 7);
        CHECK(smk_value_get(&v, "Missing") == NULL);
        smk_arena_reset(&a);
    }
    smk_arena_cleanup(&a);
}

static void arena_enforces_max(void)
{
    struct smk_arena a;

    smk_arena_init(&a, 1024);
    CHECK(smk_arena_alloc(&a, 512) != NULL);
    CHECK(smk_arena_alloc(&a, 1024) == NULL);
    CHECK(smk_arena_alloc(&a, 64) != NULL);
    smk_arena_cleanup(&a);
}

int main(void)
{
    RUN(buf_respects_max);
    RUN(arena_reuses_memory);
    RUN(arena_enforces_max);
    return harness_report("core");
}
