/*
 * xml.c - the one way the XML readers (svg.c, xctrace.c) parse a document
 * with libxml2: from memory, held within --max-input-size, with no network,
 * no DTD loaded and no entity of the document's own.
 *
 * libxml2 leaves a reference to a declared entity in the tree and expands
 * it when the text around it is asked for, past its parse-time guards: a
 * few nested declarations ("billion laughs") then take gigabytes, and an
 * external one (SYSTEM "file:...") would read another file.  Profiles never
 * declare entities, so a declaration stops the parse with an error; the
 * five predefined ones (&lt; &amp; ...) and character references are text
 * already when the tree is built.
 */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <limits.h>

#include "xml.h"

struct xml_state {
	uint64_t line, column;
	char msg[200];
	int seen;
	int entity;		/* an entity declaration stopped the parse */
};

/* The first error is the one worth showing.  libxml2 2.9 passes a
 * non-const error; later versions a const one. */
static void
first_error(void *arg, xmlError *e)
{
	xmlParserCtxt *c = arg;
	struct xml_state *x = c->_private;

	if (x->seen || e == NULL || e->level < XML_ERR_ERROR)
		return;
	x->seen = 1;
	x->line = e->line > 0 ? (uint64_t)e->line : 0;
	x->column = e->int2 > 0 ? (uint64_t)e->int2 : 0;
	snprintf(x->msg, sizeof(x->msg), "%s", e->message != NULL ? e->message : "");
}

static void
refuse_entity(xmlParserCtxt *c, const xmlChar *name)
{
	struct xml_state *x = c->_private;

	if (!x->seen) {
		x->seen = x->entity = 1;
		x->line = c->input != NULL && c->input->line > 0 ? (uint64_t)c->input->line : 0;
		x->column = 0;
		snprintf(x->msg, sizeof(x->msg), "the document declares the XML "
		    "entity '%.60s': refused (pf expands no entities of a "
		    "document's own)", name != NULL ? (const char *)name : "");
	}
	xmlStopParser(c);
}

static void
entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
    const xmlChar *system_id, xmlChar *content)
{
	PF_UNUSED(type);
	PF_UNUSED(public_id);
	PF_UNUSED(system_id);
	PF_UNUSED(content);
	refuse_entity(ctx, name);
}

static void
unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
    const xmlChar *system_id, const xmlChar *notation)
{
	PF_UNUSED(public_id);
	PF_UNUSED(system_id);
	PF_UNUSED(notation);
	refuse_entity(ctx, name);
}

xmlDoc *
pf_xml_read(struct pf_reader *r, const char *what, struct pf_error *err)
{
	const char *name = pf_reader_name(r);
	struct xml_state x;
	xmlParserCtxt *c;
	xmlDoc *doc = NULL;
	char *buf;
	size_t len, m;

	if (pf_reader_slurp(r, &buf, &len, err) != 0)
		return NULL;
	if (len > INT_MAX) {
		free(buf);
		pf_errc(err, PF_ERR_UNSUPPORTED, name, 0, 0, "%s too large "
		    "(libxml2 reads at most 2 GiB)", what);
		return NULL;
	}
	memset(&x, 0, sizeof(x));
	if ((c = xmlNewParserCtxt()) == NULL) {
		free(buf);
		pf_nomem(err, name, 0);
		return NULL;
	}
	c->_private = &x;
	c->sax->entityDecl = entity_decl;
	c->sax->unparsedEntityDecl = unparsed_entity_decl;
	c->sax->serror = first_error;
	c->sax->error = NULL;
	c->sax->warning = NULL;
	doc = xmlCtxtReadMemory(c, buf, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc != NULL && x.entity) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL) {
		m = strlen(x.msg);
		while (m > 0 && x.msg[m - 1] == '\n')
			x.msg[--m] = '\0';
		if (x.entity)
			pf_errc(err, PF_ERR_INPUT, name, x.line, 0, "%s", x.msg);
		else
			pf_errc(err, PF_ERR_INPUT, name, x.line, x.column,
			    "not well-formed XML%s%s", m > 0 ? ": " : "", x.msg);
	}
	xmlFreeParserCtxt(c);
	free(buf);
	return doc;
}
