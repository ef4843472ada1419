/** @deskmate/kb: knowledge-base articles, search and the ticket classifier. */
export { ArticleError, ZArticle, loadArticles, parseArticle, shippedArticlesDir, type TArticle } from './articles.js';
export { createSearchIndex, minScoreFor, type TSearchHit, type TSearchIndex, type TSearchOptions } from './search.js';
export {
  ZExtraExample,
  ZLabelledExample,
  classifierFingerprint,
  classifyByRules,
  createClassifier,
  loadLabelledExamples,
  restoreClassifier,
  trainClassifier,
  type TClassification,
  type TClassifier,
  type TClassifierModel,
  type TClassifierOptions,
  type TExtraExample,
  type TLabelledExample,
  type TTrainedClassifier,
} from './classifier.js';
export { priorityFloor } from './rules.js';
export { benchClassifier, benchKbSearch, type TClassifierBench, type TKbSearchBench } from './bench.js';

export const kbVersion = '0.1.0';
