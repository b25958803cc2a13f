import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createBrowserApi, installApi } from './api'
import './styles.css'

installApi(createBrowserApi())
createApp(App).use(createPinia()).mount('#app')
