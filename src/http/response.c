/* HTTP response record: see smk/transport.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "smk/transport.h"

void smk_http_response_init(struct smk_http_response *r, size_t max_body)
{
    memset(r, 0, sizeof(*r));
    smk_buf_init(&r->body, max_body);
}

void smk_http_response_reset(struct smk_http_response *r)
{
    r->status = 0;
    smk_buf_reset(&r->body);
    r->request_id[0] = r->error_type[0] = r->content_type[0] = '\0';
    r->date[0] = r->retry_after[0] = '\0';
}

void smk_http_response_cleanup(struct smk_http_response *r)
{
    smk_buf_cleanup(&r->body);
}

static void keep(char *dst, size_t dst_size, const char *value, size_t value_len)
{
    if (value_len >= dst_size)
        value_len = dst_size - 1;
    memcpy(dst, value, value_len);
    dst[value_len] = '\0';
}

void smk_http_response_header(struct smk_http_response *r, const char *name, size_t name_len,
                              const char *value, size_t value_len)
{
    static const struct {
        const char *name;
        size_t offset, size;
    } wanted[] = {
        {"x-amzn-requestid", offsetof(struct smk_http_response, request_id), 128},
        {"x-amz-request-id", offsetof(struct smk_http_response, request_id), 128},
        {"x-amzn-errortype", offsetof(struct smk_http_response, error_type), 256},
        {"content-type", offsetof(struct smk_http_response, content_type), 128},
        {"date", offsetof(struct smk_http_response, date), 64},
        {"x-amz-retry-after", offsetof(struct smk_http_response, retry_after), 32},
    };
    size_t i;

    for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        if (strlen(wanted[i].name) == name_len && strncasecmp(wanted[i].name, name, name_len) == 0) {
            keep((char *)r + wanted[i].offset, wanted[i].size, value, value_len);
            return;
        }
    }
}
