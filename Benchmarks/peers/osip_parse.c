/*
 * osip_parse.c - per-message parse cost of the oSIP2 parser (libosipparser2),
 * measured the same way as `switchboard bench parse` (see bench_common.h).
 *
 *   osip_parse DIR [--seconds S] [--rounds R]
 *
 * For every message: osip_message_init() + osip_message_parse(), which copies the
 * bytes and parses every known header (Via, From, To, Call-ID, CSeq, Contact,
 * Content-Length, Route, Authorization, ...) into its structure; the rest stay as
 * name/value pairs. We then read the decoded headers through the oSIP accessors
 * (Via branch, From/To tag are looked up in the parameter lists, CSeq number and
 * Content-Length are strings in oSIP and are converted here) and free the message.
 */
#include <osipparser2/osip_parser.h>

#define PARSER_NAME "osip"
#include "bench_common.h"

/* Parses one message; returns it, or NULL (after freeing it) if it did not parse or
 * lacks Via, From (with a host), To, Call-ID or CSeq. */
static osip_message_t *parse(const char *buf, size_t len)
{
    osip_message_t *sip;
    if (osip_message_init(&sip) != 0)
        return NULL;
    if (osip_message_parse(sip, buf, len) != 0 || osip_list_size(&sip->vias) < 1 ||
        !sip->from || !sip->from->url || !sip->from->url->host || !sip->to ||
        !sip->call_id || !sip->cseq) {
        osip_message_free(sip);
        return NULL;
    }
    return sip;
}

/* Value of the tag parameter of a From/To/Contact header, or NULL. */
static const char *tag_of(osip_from_t *h)
{
    osip_generic_param_t *tag = NULL;
    osip_from_get_tag(h, &tag);
    return tag ? tag->gvalue : NULL;
}

/* Value of the branch parameter of a Via, or NULL. */
static const char *branch_of(osip_via_t *via)
{
    osip_generic_param_t *branch = NULL;
    osip_via_param_get_byname(via, "branch", &branch);
    return branch ? branch->gvalue : NULL;
}

static long parse_and_decode(const char *buf, size_t len)
{
    osip_message_t *sip = parse(buf, len);
    if (!sip)
        return -1;

    long sum = 0;
    osip_list_iterator_t it;
    /* Every Via: host, port and branch. */
    for (osip_via_t *v = osip_list_get_first(&sip->vias, &it); v; v = osip_list_get_next(&it)) {
        const char *branch = branch_of(v);
        sum += 1 + (unsigned char)v->host[0] + port_number(v->port);
        if (branch)
            sum += (unsigned char)branch[0];
    }
    /* From: URI user and host, tag. To: tag. */
    const char *from_tag = tag_of(sip->from), *to_tag = tag_of(sip->to);
    sum += (unsigned char)sip->from->url->host[0];
    if (sip->from->url->username)
        sum += (unsigned char)sip->from->url->username[0];
    if (from_tag)
        sum += (long)strlen(from_tag);
    if (to_tag)
        sum += (long)strlen(to_tag);
    /* Call-ID (oSIP splits it at '@'), CSeq number and method, Contacts, Content-Length. */
    sum += (long)strlen(sip->call_id->number);
    if (sip->call_id->host)
        sum += 1 + (long)strlen(sip->call_id->host);
    sum += (long)strtoul(sip->cseq->number, NULL, 10) + (unsigned char)sip->cseq->method[0];
    for (osip_contact_t *m = osip_list_get_first(&sip->contacts, &it); m;
         m = osip_list_get_next(&it))
        sum += 1 + (m->url && m->url->host ? (unsigned char)m->url->host[0] : 0);
    if (sip->content_length) /* optional, as in the Swift benchmark */
        sum += (long)strtoul(sip->content_length->value, NULL, 10);

    osip_message_free(sip);
    return sum;
}

static int describe(const char *name, const char *buf, size_t len, FILE *out)
{
    osip_message_t *sip = parse(buf, len);
    if (!sip) {
        /* Parse again to say why. */
        osip_message_t *m;
        osip_message_init(&m);
        int rc = osip_message_parse(m, buf, len);
        fprintf(stderr, "%s: %s: does not parse: osip_message_parse returned %d%s%s%s%s%s\n",
                PARSER_NAME, name, rc, osip_list_size(&m->vias) < 1 ? ", no Via" : "",
                m->from ? "" : ", no From", m->to ? "" : ", no To",
                m->call_id ? "" : ", no Call-ID", m->cseq ? "" : ", no CSeq");
        osip_message_free(m);
        return -1;
    }

    osip_via_t *via = osip_list_get(&sip->vias, 0);
    osip_body_t *body = osip_list_get(&sip->bodies, 0);
    const char *from_tag = tag_of(sip->from), *to_tag = tag_of(sip->to);
    const char *branch = branch_of(via);
    fprintf(out, "%s: %s: ", PARSER_NAME, name);
    if (MSG_IS_REQUEST(sip))
        fprintf(out, "request %s", sip->sip_method);
    else
        fprintf(out, "status %d", sip->status_code);
    fprintf(out, " | vias %d, first %s:%s branch=%s | from %s@%s tag=%s | to tag=%s"
                 " | call-id %s%s%s | cseq %lu %s | contacts %d | content-length %lu body %zu\n",
            osip_list_size(&sip->vias), via->host, via->port ? via->port : "-",
            branch ? branch : "-",
            sip->from->url->username ? sip->from->url->username : "-", sip->from->url->host,
            from_tag ? from_tag : "-", to_tag ? to_tag : "-",
            sip->call_id->number, sip->call_id->host ? "@" : "",
            sip->call_id->host ? sip->call_id->host : "",
            strtoul(sip->cseq->number, NULL, 10), sip->cseq->method,
            osip_list_size(&sip->contacts),
            sip->content_length ? strtoul(sip->content_length->value, NULL, 10) : 0ul,
            body ? body->length : (size_t)0);
    osip_message_free(sip);
    return 0;
}

int main(int argc, char **argv)
{
    /* oSIP's parser needs its header-name tables built once before any parse. */
    parser_init();
    return bench_main(argc, argv);
}
