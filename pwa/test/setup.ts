import 'fake-indexeddb/auto';

// Tests switch languages synchronously: the English dictionary is loaded before any test.
import { loadLocale } from '../src/i18n';
await loadLocale('en');
