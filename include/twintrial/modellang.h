/* modellang.h — models written as text (a YAML model file), compiled to native code at
 * run time.
 *
 * A model file (README "Writing a model") declares parameters, random effects,
 * covariates, arm effects, individual variables, ODE states or closed-form outputs and
 * the residual error. TTModelLangParse reads it into an expression tree and checks it
 * (every name defined, nothing assigned twice, every state with one derivative, a
 * positive-definite Omega); every mistake is one PETSC_ERR_USER message located at
 * FILE:LINE:COLUMN of the model file, inside block scalars too.
 * TTModelLangGenerate writes C from the tree only: identifiers are indices, numbers are
 * printed with %.17g, no text of the file is copied. TTModelLangLoad compiles that C with
 * the system compiler (TWINTRIAL_CC, default cc) into a shared object cached by the
 * SHA-256 of (model text, compiler identity, generator version) in TWINTRIAL_CACHE
 * (default ~/.cache/twintrial), loads it with dlopen and registers the model
 * (tt_model_register) under its name.
 */
#ifndef TWINTRIAL_MODELLANG_H
#define TWINTRIAL_MODELLANG_H

#include <petscsys.h>
#include <stdio.h>
#include <twintrial/model.h>

typedef struct _p_TTModelLang *TTModelLang;

/* Version of the generated code; part of the cache key (bump when the generator changes). */
#define TT_MODELLANG_GENERATOR_VERSION 8

/* Not collective. Reads and checks the model file `path`. */
PetscErrorCode TTModelLangParse(const char *path, TTModelLang *ml);
/* Not collective. */
PetscErrorCode TTModelLangDestroy(TTModelLang *ml);
/* Not collective. The model's name (model.name). */
const char *TTModelLangName(TTModelLang ml);
/* Not collective. The file's bytes, verbatim. */
const char *TTModelLangText(TTModelLang ml);
/* Not collective. Writes the C source implementing the model's callbacks to out. */
PetscErrorCode TTModelLangGenerate(TTModelLang ml, FILE *out);
/* Not collective. Prints the resolved model (names, values, statements as parsed). */
PetscErrorCode TTModelLangView(TTModelLang ml, FILE *out);

/* Collective on comm. Parses the model file `path`, compiles it unless the cache holds
 * it (one rank per shared-memory node compiles, the others wait), loads it and registers
 * it; *m is the registered model (it lives until the process ends). Loading the same
 * file again returns the same model. A model whose name is taken by another model is
 * refused at model.name. */
PetscErrorCode TTModelLangLoad(MPI_Comm comm, const char *path, const TTModelType **m);
/* Not collective. The text of the model file a model was loaded from, or NULL for a
 * model written in C. */
const char *TTModelLangSource(const TTModelType *m);
/* Not collective. SHA-256 (hex) of that text, or NULL. */
const char *TTModelLangSourceSha256(const TTModelType *m);
/* Not collective. The model as parsed (TTModelLangView), or NULL for a model written in C. */
const char *TTModelLangResolved(const TTModelType *m);

#endif
