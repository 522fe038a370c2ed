/* librcm: include this for the whole public API. */
#ifndef RCM_H
#define RCM_H

#define RCM_VERSION "0.1.0"

#include "error.h"
#include "buf.h"
#include "value.h"
#include "x12.h"
#include "x12read.h"
#include "x12write.h"
#include "store.h"
#include "refdata.h"
#include "edits.h"
#include "codeset.h"
#include "rules.h"
#include "scrub.h"
#include "cycle.h"
#include "encounter.h"
#include "coding.h"
#include "submit.h"
#include "post.h"
#include "denial.h"
#include "ar.h"
#include "paysim.h"
#include "auth.h"
#include "audit.h"

#endif
