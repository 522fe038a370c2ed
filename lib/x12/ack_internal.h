/* Shared by the acknowledgment builder (ack_build.c) and the TA1 writer (wta1.c). Not public. */
#ifndef RCM_X12_ACK_INTERNAL_H
#define RCM_X12_ACK_INTERNAL_H

#include "xwrite.h"
#include "rcm/x12ack.h"

/* Length of the ISA segment every writer writes: fixed width (105 bytes), without its terminator. */
#define ACK_ISA_LEN 105

/*
 * The ISA of env alone (xw_open writes it with a GS; this keeps the ISA),
 * appended to w's buffer. The GS that xw_open wrote with it, for func and
 * version, goes to gs when gs is not NULL.
 */
void ack_isa_gs(xw *w, const rcm_x12_envelope *env, const char *func, const char *version, rcm_buf *gs);

/* One TA1 segment (TA101..TA105), values checked. */
void ack_ta1_seg(xw *w, const rcm_ta1 *t);

#endif
