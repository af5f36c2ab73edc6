/*
 * xml.h - parsing a whole XML document for the XML readers (xml.c).
 */
#ifndef PF_PARSE_XML_H
#define PF_PARSE_XML_H

#include <libxml/tree.h>

#include "format.h"

/*
 * Reads all of r (at most --max-input-size) and parses it as XML: no
 * network, no DTD, and a document that declares an entity is refused.
 * Returns the document (xmlFreeDoc it), or NULL with err filled; what
 * names the kind of document in a message ("SVG").
 */
xmlDoc *pf_xml_read(struct pf_reader *r, const char *what, struct pf_error *err);

#endif
