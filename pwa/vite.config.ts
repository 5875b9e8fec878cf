/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { zhCN } from './src/i18n/zh-CN.ts';

// index.html carries no literal UI text: its title comes from the zh-CN dictionary.
function htmlStrings(): Plugin {
  return {
    name: 'linli-html-strings',
    transformIndexHtml: (html) =>
      html.replace(/%APP_NAME%/g, zhCN['app.name']).replace(/%APP_DESC%/g, zhCN['app.description']),
  };
}

export default defineConfig({
  plugins: [
    preact(),
    htmlStrings(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false, // src/offline/sw-bridge.ts registers with workbox-window
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest}'],
      },
      manifest: {
        name: zhCN['app.name'],
        short_name: zhCN['app.name'],
        description: zhCN['app.description'],
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#0f766e',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
  build: { outDir: 'dist', target: 'es2022' },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:5000', changeOrigin: false } },
  },
  test: {
    environment: 'happy-dom',
    setupFiles: ['test/setup.ts'],
    include: ['test/**/*.test.{ts,tsx}', 'src/**/*.test.{ts,tsx}'],
  },
});
