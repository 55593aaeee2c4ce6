#ifndef BANKFUTURE_CEDITLINE_SHIM_H
#define BANKFUTURE_CEDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>
#endif
