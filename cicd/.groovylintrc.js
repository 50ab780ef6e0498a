// npm-groovy-lint configuration for the pipelines in cicd/ (run by `make lint-jenkins` and the
// test suite with the project's Node 22 and Java 17; zero errors and zero warnings required).
module.exports = {
    extends: 'recommended-jenkinsfile',
    rules: {
        // Declarative directives take literals: every stage names its pod file, timeout and lock
        // in place, so the same literal recurs by design. Hoisting them into variables would move
        // each stage's settings away from the stage without removing any repetition of meaning.
        'dry.DuplicateMapLiteral': 'off',
        'dry.DuplicateStringLiteral': 'off',
        'dry.DuplicateNumberLiteral': 'off',
    },
};
