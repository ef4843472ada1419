/** The knowledge base: articles, search and the classifier arrive with the intake-wizard issue. */
export const kbVersion = '0.1.0';
