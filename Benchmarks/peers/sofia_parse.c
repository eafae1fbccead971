/*
 * sofia_parse.c - per-message parse cost of the Sofia-SIP parser (libsofia-sip-ua),
 * measured the same way as `switchboard bench parse` (see bench_common.h).
 *
 *   sofia_parse DIR [--seconds S] [--rounds R]
 *
 * For every message: msg_make() copies the bytes into a fresh msg_t and runs
 * msg_extract() on it, which is what Sofia's transport layer does with a received
 * datagram (msg_create + msg_recv_iovec + msg_recv_commit + msg_extract). Sofia
 * parses every known header into its C structure during extraction, so after it
 * the typed Via / From / To / Call-ID / CSeq / Contact / Content-Length are
 * available in the sip_t; we read fields of each, then msg_destroy() frees it all.
 */
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>

#define PARSER_NAME "sofia"
#include "bench_common.h"

/* Parses one message and returns its sip_t, or NULL (after freeing the message) if
 * it did not parse cleanly or lacks Via, From (with a host), To, Call-ID or CSeq. */
static sip_t *parse(const char *buf, size_t len, msg_t **msg_out)
{
    msg_t *msg = msg_make(sip_default_mclass(), 0, buf, (ssize_t)len);
    if (!msg)
        return NULL;
    sip_t *sip = sip_object(msg);
    if (!sip || (sip->sip_flags & MSG_FLG_ERROR) || sip->sip_error ||
        !sip->sip_via || !sip->sip_from || !sip->sip_to || !sip->sip_call_id ||
        !sip->sip_cseq || !sip->sip_from->a_url->url_host) {
        msg_destroy(msg);
        return NULL;
    }
    *msg_out = msg;
    return sip;
}

static long parse_and_decode(const char *buf, size_t len)
{
    msg_t *msg;
    sip_t *sip = parse(buf, len, &msg);
    if (!sip)
        return -1;

    long sum = 0;
    /* Every Via: host, port and branch. */
    for (sip_via_t const *v = sip->sip_via; v; v = v->v_next) {
        sum += 1 + (unsigned char)v->v_host[0] + port_number(v->v_port);
        if (v->v_branch)
            sum += (unsigned char)v->v_branch[0];
    }
    /* From: URI user and host, tag. To: tag. */
    sip_from_t const *from = sip->sip_from;
    sum += (unsigned char)from->a_url->url_host[0];
    if (from->a_url->url_user)
        sum += (unsigned char)from->a_url->url_user[0];
    if (from->a_tag)
        sum += (long)strlen(from->a_tag);
    if (sip->sip_to->a_tag)
        sum += (long)strlen(sip->sip_to->a_tag);
    /* Call-ID, CSeq (number and method), Contact list, Content-Length. */
    sum += (long)strlen(sip->sip_call_id->i_id);
    sum += (long)sip->sip_cseq->cs_seq + sip->sip_cseq->cs_method;
    for (sip_contact_t const *m = sip->sip_contact; m; m = m->m_next)
        sum += 1 + (m->m_url->url_host ? (unsigned char)m->m_url->url_host[0] : 0);
    if (sip->sip_content_length) /* optional, as in the Swift benchmark */
        sum += (long)sip->sip_content_length->l_length;

    msg_destroy(msg);
    return sum;
}

static int describe(const char *name, const char *buf, size_t len, FILE *out)
{
    msg_t *msg;
    sip_t *sip = parse(buf, len, &msg);
    if (!sip) {
        /* Parse again to say why. */
        msg_t *m = msg_make(sip_default_mclass(), 0, buf, (ssize_t)len);
        sip_t *s = m ? sip_object(m) : NULL;
        fprintf(stderr, "%s: %s: does not parse:", PARSER_NAME, name);
        if (!s)
            fprintf(stderr, " no message");
        else {
            if (s->sip_flags & MSG_FLG_ERROR)
                fprintf(stderr, " MSG_FLG_ERROR");
            for (sip_error_t const *e = s->sip_error; e; e = e->er_next)
                fprintf(stderr, " bad header '%s'", e->er_name ? e->er_name : "?");
        }
        fprintf(stderr, "\n");
        if (m)
            msg_destroy(m);
        return -1;
    }

    int vias = 0, contacts = 0;
    for (sip_via_t const *v = sip->sip_via; v; v = v->v_next)
        vias++;
    for (sip_contact_t const *m = sip->sip_contact; m; m = m->m_next)
        contacts++;
    sip_via_t const *via = sip->sip_via;
    sip_from_t const *from = sip->sip_from;
    fprintf(out, "%s: %s: ", PARSER_NAME, name);
    if (sip->sip_request)
        fprintf(out, "request %s", sip->sip_request->rq_method_name);
    else
        fprintf(out, "status %d", sip->sip_status->st_status);
    fprintf(out, " | vias %d, first %s:%s branch=%s | from %s@%s tag=%s | to tag=%s"
                 " | call-id %s | cseq %u %s | contacts %d | content-length %u body %u\n",
            vias, via->v_host, via->v_port ? via->v_port : "-",
            via->v_branch ? via->v_branch : "-",
            from->a_url->url_user ? from->a_url->url_user : "-", from->a_url->url_host,
            from->a_tag ? from->a_tag : "-", sip->sip_to->a_tag ? sip->sip_to->a_tag : "-",
            sip->sip_call_id->i_id, sip->sip_cseq->cs_seq, sip->sip_cseq->cs_method_name,
            contacts, sip->sip_content_length ? sip->sip_content_length->l_length : 0u,
            sip->sip_payload ? (unsigned)sip->sip_payload->pl_len : 0u);
    msg_destroy(msg);
    return 0;
}

int main(int argc, char **argv)
{
    return bench_main(argc, argv);
}
