// The optimizers' names, apart from their code: compile() checks a name against this list, and
// loads the optimizers themselves only when training starts, so an app that only predicts does
// not carry them.
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw', 'adadelta', 'rmsprop', 'adagrad'] as const;

export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
